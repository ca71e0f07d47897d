import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptions } from 'node:child_process';

/**
 * The environment without pnpm's npm_config_* / pnpm_* settings: npm, npx and tsc in a user's
 * project must behave as on the user's machine, not as inside `pnpm run`.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k)));
  return { ...env, ...extra };
}

/** Runs a command in a user's environment, output inherited; throws when it fails. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options, env: userEnv(options.env) });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

export interface Captured {
  code: number | null;
  /** stdout and stderr interleaved as they came. */
  output: string;
}

/**
 * Runs a command without blocking the event loop (the local registry of `release:local` serves
 * from this process), capturing its output; `echo` also prints it as it comes.
 */
export function runAsync(cmd: string, args: string[], options: SpawnOptions & { echo?: boolean } = {}): Promise<Captured> {
  const { echo = false, ...rest } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...rest, env: userEnv(rest.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      if (echo) stream.write(chunk);
    };
    child.stdout!.on('data', take(process.stdout));
    child.stderr!.on('data', take(process.stderr));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `runAsync` that throws, with the output, when the command fails. */
export async function mustRun(cmd: string, args: string[], options: SpawnOptions & { echo?: boolean } = {}): Promise<string> {
  const r = await runAsync(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}${options.echo ? '' : `:\n${r.output}`}`);
  return r.output;
}
