import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigFile, runServer } from 'verdaccio';

/** The registry's configuration, in the repository: local-only, anonymous publish, no uplinks. */
export const REGISTRY_CONFIG = fileURLToPath(new URL('../registry/verdaccio.yaml', import.meta.url));

export interface LocalRegistry {
  url: string;
  /** Stops the server and deletes its storage; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts Verdaccio in this process on 127.0.0.1 (a free port) with its storage in a new
 * temporary folder. In-process on purpose: the registry cannot outlive the script, whatever
 * way the script ends. Callers must not block the event loop (spawnSync) while it serves.
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'attention-zoo-registry-'));
  const config = parseConfigFile(REGISTRY_CONFIG) as Record<string, unknown> & { auth?: { htpasswd?: { file?: string } } };
  config.storage = join(dir, 'storage');
  config.self_path = join(dir, 'config.yaml');
  if (config.auth?.htpasswd) config.auth.htpasswd.file = join(dir, 'htpasswd');
  const app = (await runServer(config as never)) as { listen(port: number, host: string, cb: () => void): Server };
  const server = await new Promise<Server>((ok, fail) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
    s.on('error', fail);
  });
  const { port } = server.address() as { port: number };
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
