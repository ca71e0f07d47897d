// pnpm fix:side-effects — writes each published package's `sideEffects` from its sources:
// every module that registers something (or imports one that does), in src and dist form.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredEntries, sideEffectfulModules } from './side-effects.js';
import { publishedPackages } from './workspace.js';

for (const pkg of publishedPackages()) {
  const path = join(pkg.dir, 'package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const entries = sideEffectfulModules(pkg.dir).flatMap((e) => requiredEntries(e.file));
  const before = JSON.stringify(manifest.sideEffects);
  manifest.sideEffects = entries;
  if (JSON.stringify(entries) !== before) {
    writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
    console.log(`${pkg.manifest.name}: sideEffects = ${entries.length} entries`);
  } else console.log(`${pkg.manifest.name}: up to date`);
}
