// pnpm bench [--variants a,b] [--backends cpu,wasm] [--tokens 1024,4096] … (see USAGE)
import { resolve } from 'node:path';
import { releaseBackend } from '@attention-zoo/backends';
import { parseBenchArgs, type BenchOptions } from './options.js';
import { runBench } from './run.js';

async function main(): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseBenchArgs(process.argv.slice(2).filter((a) => a !== '--'));
  } catch (err) {
    const e = err as Error & { help?: boolean };
    (e.help ? console.log : console.error)(e.message);
    return e.help ? 0 : 2;
  }
  // pnpm runs scripts from the package folder; paths are relative to where the user typed.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  o.out = resolve(cwd, o.out);
  if (o.baseline) o.baseline = resolve(cwd, o.baseline);
  await import('@attention-zoo/variants'); // every published package: its registrations run
  const out = await runBench(o);
  console.log(`\nwrote:\n${out.files.map((f) => `  ${f}`).join('\n')}`);
  for (const r of out.regressions) console.log(`REGRESSION ${r.key}: +${(100 * r.slowdown).toFixed(0)}%`);
  releaseBackend();
  return out.regressions.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(2);
  },
);
