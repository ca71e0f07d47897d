import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, ROOT } from './workspace.js';

/** Names of the private workspace packages (apps/*, tooling/*, private packages/*). */
export function privateWorkspaceNames(root: string = ROOT): Set<string> {
  const names = new Set<string>();
  for (const group of ['apps', 'tooling', 'packages']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const e of readdirSync(base, { withFileTypes: true })) {
      const path = join(base, e.name, 'package.json');
      if (!e.isDirectory() || !existsSync(path)) continue;
      const m = readJson(path);
      if (m.private === true) names.add(m.name);
    }
  }
  return names;
}
