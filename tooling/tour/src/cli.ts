// pnpm start [--backend auto|cpu|wasm|webgpu|tensorflow|tensorflow-gpu] [--only <text>] [--tokens N] [--set key=value …]
import { formatChoice, isBackendName, releaseBackend, selectBackend } from '@attention-zoo/backends';
import { formatTourLine, runTour } from './tour.js';

const USAGE = `usage: pnpm start [--backend auto|cpu|wasm|webgpu|tensorflow|tensorflow-gpu] [--only <text>] [--tokens N] [--set key=value …]

Builds a 2-block pre-norm Transformer (dim 64, 4 heads) with every registered
attention and prints one line per variant: output shape, mean forward time, and how it
decodes token by token (capabilities.incremental: recurrent, window, cache, or none).
--set radius=8 gives an option to every variant that declares it (others run without it).
Default backend: auto (the fastest this machine has; a software WebGPU adapter,
SwiftShader on a machine without a GPU, is passed over: --backend webgpu uses it).`;

function parse(argv: string[]): { backend: string; only?: string; tokens: number; options: Record<string, unknown> } {
  const out = { backend: 'auto', only: undefined as string | undefined, tokens: 64, options: {} as Record<string, unknown> };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [key, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => inline ?? argv[++i] ?? '';
    if (key === '--help' || key === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (key === '--backend') out.backend = value();
    else if (key === '--only') out.only = value();
    else if (key === '--tokens') out.tokens = Number(value());
    else if (key === '--set') {
      const m = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(value());
      if (!m) throw new Error(`--set takes key=value (e.g. radius=8)`);
      out.options[m[1]!] = m[2] === 'true' ? true : m[2] === 'false' ? false : Number.isFinite(Number(m[2])) ? Number(m[2]) : m[2];
    }
    else throw new Error(`unknown argument '${a}'\n\n${USAGE}`);
  }
  if (out.backend !== 'auto' && !isBackendName(out.backend)) {
    throw new Error(`unknown backend '${out.backend}'; use auto, cpu, wasm, webgpu, tensorflow or tensorflow-gpu`);
  }
  if (!Number.isInteger(out.tokens) || out.tokens < 1) throw new Error(`--tokens must be a positive integer`);
  return out;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2).filter((a) => a !== '--')); // a usage error exits 2, below
  await import('@attention-zoo/variants'); // every published package: its registrations run
  // The tour times every variant: a software WebGPU adapter (SwiftShader) would take minutes
  // where wasm takes seconds, so auto passes over it and the header says so.
  const choice = await selectBackend({ backend: args.backend as never, skipSoftwareWebgpu: true });
  console.log(formatChoice(choice));
  console.log(`Transformer: 2 blocks, dim 64, 4 heads, batch 2, ${args.tokens} tokens; mean of 3 forward passes after a warm-up\n`);
  const lines = await runTour({ tokens: args.tokens, only: args.only, options: args.options, onLine: (l) => console.log(formatTourLine(l)) });
  const failed = lines.filter((l) => !l.ok).length;
  console.log(`\n${lines.length} variants, ${lines.length - failed} ran, ${failed} failed`);
  releaseBackend();
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`tour: ${(err as Error).message}`);
    process.exit(2);
  },
);
