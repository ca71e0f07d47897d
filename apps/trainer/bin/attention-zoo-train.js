#!/usr/bin/env node
// The `attention-zoo-train` command: runs the trainer's TypeScript sources with tsx,
// resolving workspace packages to their sources (the @attention-zoo/source condition).
// SIGINT and SIGTERM go on to the trainer, and this process exits as it does: the
// trainer must not outlive its wrapper (it would keep writing the run folder).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--conditions=@attention-zoo/source', '--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('error', (err) => {
  console.error(`attention-zoo-train: could not start the trainer: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so the caller sees what happened (status 128 + n in a shell).
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
