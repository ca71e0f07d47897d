// pnpm check:packages — build, `pnpm pack` every published package, then check each tarball
// (what npm would serve) with publint --strict and @arethetypeswrong/cli, plus the packed
// manifest for leftover `workspace:` ranges and missing files. Exits non-zero on any problem.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackages, packAll, packedProblems } from './pack.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const tool = (bin: string, args: string[]): { ok: boolean; output: string } => {
  const r = spawnSync(join(here, 'node_modules/.bin', bin), args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
};

buildPackages();
const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'attention-zoo-pack-'));
const packed = packAll(out);
let failed = 0;
for (const p of packed) {
  const name = p.pkg.manifest.name;
  const problems = packedProblems(p);
  const lint = tool('publint', ['--strict', p.tarball]);
  // ESM-only on purpose (CONTRIBUTING.md): the registry and tfjs's engine are singletons, so a
  // second, CommonJS copy would split them. attw's esm-only profile skips node10/node16-cjs.
  const types = tool('attw', ['--profile', 'esm-only', '--format', 'table-flipped', p.tarball]);
  const ok = problems.length === 0 && lint.ok && types.ok;
  console.log(`${ok ? 'pass' : 'FAIL'}  ${name}  (${p.files.length} files)`);
  for (const pr of problems) console.log(`      ${pr}`);
  if (!lint.ok) console.log(lint.output.replace(/^/gm, '      publint: '));
  if (!types.ok) console.log(types.output.replace(/^/gm, '      attw: '));
  if (!ok) failed++;
}
console.log(`\n${packed.length} packages checked, ${packed.length - failed} clean, ${failed} with problems (tarballs in ${out})`);
process.exit(failed > 0 || packed.length === 0 ? 1 : 0);
