import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tooling/release/src/workspace.ts). */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export type Manifest = Record<string, unknown> & { name: string; private?: boolean };

export interface WorkspacePackage {
  /** Folder name under packages/, e.g. `attention-core`. */
  folder: string;
  /** Absolute path of the package folder. */
  dir: string;
  manifest: Manifest;
}

export function readJson<T = Manifest>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Every published package: each `packages/<folder>` with a package.json that is not private.
 * Found by listing the folder, never from a hard-coded list, so a new package is covered the
 * moment it exists.
 */
export function publishedPackages(root: string = ROOT): WorkspacePackage[] {
  const base = join(root, 'packages');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(base, e.name, 'package.json')))
    .map((e) => ({ folder: e.name, dir: join(base, e.name), manifest: readJson(join(base, e.name, 'package.json')) }))
    .filter((p) => p.manifest.private !== true)
    .sort((a, b) => a.folder.localeCompare(b.folder));
}
