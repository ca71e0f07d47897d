import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publishedPackages, ROOT } from './workspace.js';

/**
 * The registry names each published package adds when imported, read from the workspace's own
 * sources (run under the `@attention-zoo/source` condition). attention-core comes first: every
 * other package imports it. This is what the consumer test expects the tarballs to register.
 */
export async function expectedRegistry(root: string = ROOT): Promise<Record<string, string[]>> {
  const pkgs = publishedPackages(root).sort((a, b) => Number(b.folder === 'attention-core') - Number(a.folder === 'attention-core'));
  const core = pkgs.find((p) => p.folder === 'attention-core');
  if (!core) throw new Error('packages/attention-core is missing');
  const list = async (): Promise<string[]> => {
    const m = (await import(pathToFileURL(join(core.dir, 'src/index.ts')).href)) as { listAttentions(): { name: string }[] };
    return m.listAttentions().map((d) => d.name);
  };
  const out: Record<string, string[]> = {};
  let seen = new Set<string>();
  for (const p of pkgs) {
    const exp = p.manifest.exports as Record<string, Record<string, string>>;
    await import(pathToFileURL(join(p.dir, exp['.']!['@attention-zoo/source']!)).href);
    const now = await list();
    out[p.manifest.name] = now.filter((n) => !seen.has(n)).sort();
    seen = new Set(now);
  }
  return out;
}
