#!/usr/bin/env node
// The `attention-zoo-train` command: runs the trainer's TypeScript sources with tsx,
// resolving workspace packages to their sources (the @attention-zoo/source condition).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const r = spawnSync(process.execPath, ['--conditions=@attention-zoo/source', '--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
