import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { publishedPackages, ROOT, type WorkspacePackage } from './workspace.js';

export interface Packed {
  pkg: WorkspacePackage;
  tarball: string;
  /** The package.json inside the tarball, as npm will see it. */
  manifest: Record<string, unknown>;
  files: string[];
}

/** `turbo run build` for every package under packages/ (cached when nothing changed). */
export function buildPackages(root: string = ROOT): void {
  const r = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the packages failed');
}

/** `pnpm pack` every published package into `outDir`: what `changeset publish` uploads. */
export function packAll(outDir: string, root: string = ROOT): Packed[] {
  mkdirSync(outDir, { recursive: true });
  return publishedPackages(root).map((pkg) => {
    const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', outDir], { cwd: pkg.dir, encoding: 'utf8' });
    const info = JSON.parse(out.slice(out.indexOf('{'))) as { filename: string; files: { path: string }[] };
    const tarball = info.filename.startsWith('/') ? info.filename : join(outDir, info.filename);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
    return { pkg, tarball, manifest, files: info.files.map((f) => f.path) };
  });
}

/** Problems with a packed manifest that publint and attw do not look for. */
export function packedProblems(p: Packed): string[] {
  const out: string[] = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries((p.manifest[field] ?? {}) as Record<string, string>)) {
      if (range.startsWith('workspace:')) out.push(`${field}.${name} is still "${range}" in the tarball`);
    }
  }
  for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
    if (!p.files.includes(f)) out.push(`the tarball lacks ${f}`);
  }
  const tests = p.files.filter((f) => /\.test\.[jt]s$/.test(f) || f.startsWith('test/'));
  if (tests.length) out.push(`the tarball ships tests: ${tests.slice(0, 3).join(', ')}`);
  return out;
}
