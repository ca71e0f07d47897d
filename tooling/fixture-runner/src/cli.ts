// pnpm fixtures <folder> [--backend cpu|wasm|webgpu] [--only <text>]
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatChoice, isBackendName, releaseBackend, selectBackend } from '@attention-zoo/backends';
import { formatResult, listCases, runFixtures } from './run.js';

const USAGE = `usage: pnpm fixtures <folder> [--backend cpu|wasm|webgpu|auto] [--only <text>]

Runs every case (NAME.json + NAME.safetensors) of <folder> through the project's API
and prints one line per case: pass, fail or not-implemented, its name and the max
absolute error; then "N passed, N failed, N skipped". Exit code 1 if any case failed.
Default backend: cpu.`;

function parse(argv: string[]): { folder: string; backend: string; only?: string } {
  let folder: string | undefined;
  let backend = 'cpu';
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--backend' || a.startsWith('--backend=')) {
      backend = a.includes('=') ? a.slice(10) : (argv[++i] ?? '');
    } else if (a === '--only' || a.startsWith('--only=')) {
      only = a.includes('=') ? a.slice(7) : argv[++i];
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}\n\n${USAGE}`);
    } else if (folder === undefined) {
      folder = a;
    } else {
      throw new Error(`one folder only, got '${folder}' and '${a}'\n\n${USAGE}`);
    }
  }
  if (folder === undefined) throw new Error(USAGE);
  if (backend !== 'auto' && !isBackendName(backend)) {
    throw new Error(`unknown backend '${backend}'; use cpu, wasm, webgpu, tensorflow, tensorflow-gpu or auto`);
  }
  return { folder, backend, only };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2).filter((a) => a !== '--')); // a usage error exits 2, below
  // pnpm runs scripts from the package folder; paths are relative to where the user typed.
  const folder = resolve(process.env['INIT_CWD'] ?? process.cwd(), args.folder);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    console.error(`fixtures: ${folder} is not a folder`);
    return 2;
  }
  const count = listCases(folder).filter((p) => !args.only || p.includes(args.only)).length;
  if (count === 0) {
    console.error(`fixtures: no *.json cases in ${folder}${args.only ? ` matching '${args.only}'` : ''}`);
    return 2;
  }
  const choice = await selectBackend({ backend: args.backend as never });
  console.error(`fixtures: ${count} cases in ${folder}\n${formatChoice(choice)}`);
  const summary = await runFixtures(folder, { only: args.only, onResult: (r) => console.log(formatResult(r)) });
  console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  releaseBackend();
  return summary.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`fixtures: ${(err as Error).message}`);
    process.exit(2);
  },
);
