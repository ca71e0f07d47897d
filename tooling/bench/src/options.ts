import { isBackendName, type BackendName } from '@attention-zoo/backends';
import { DECODE_POSITIONS } from './decode.js';
import type { BenchMode } from './record.js';
import { parseSetting, type VariantOptions } from './variant-options.js';

export interface BenchOptions {
  variants: string[] | 'all';
  backends: BackendName[] | 'available';
  tokens: number[];
  dim: number;
  numHeads: number;
  batch: number;
  mode: BenchMode;
  runs: number;
  out: string;
  vsTorch: boolean;
  /** Time the same layers in onnxruntime-node (one thread) and measure the machine's GEMM and copy limits. */
  vsOrt: boolean;
  /** Print each case's top kernels by time (always recorded in the JSON). */
  profile: boolean;
  /** Core's fused kernels on (default) or off (`--no-kernels`: every op takes its stock-op chain, as before them). */
  kernels: boolean;
  baseline?: string;
  /** Skip cases whose predicted activations exceed this (bytes). */
  memoryBudget: number;
  /** Stop a variant's larger N once one case's median exceeds this (ms). */
  maxMs: number;
  /** Token range of the growth-exponent fit. */
  fitFrom?: number;
  fitTo?: number;
  /** `--set variant.key=value` overrides of a variant's layer options. */
  set: Record<string, VariantOptions>;
}

export const USAGE = `usage: pnpm bench [options]

  --variants a,b        registry names (default: all registered)
  --backends cpu,wasm   cpu, wasm, webgpu, tensorflow, tensorflow-gpu (default: every one available; a software WebGPU adapter is left out)
  --tokens 1024,4096    token counts (default: 256 … 65536, doubling)
  --dim 128 --heads 4 --batch 1
  --mode forward|train|decode
                        forward, forward + backward, or token-by-token decoding with layer.step: per-token
                        time and state bytes at positions --tokens (default 256,1024,4096,16384) of every
                        variant with an incremental form, beside recomputing the prefix (default forward)
  --runs 5              timed runs after a warm-up; the median is reported (default 5, at least 1)
  --out <dir>           default bench-results/
  --vs-ort              also run the same layer (same weights, checked to agree) in onnxruntime-node with one
                        thread, and measure the machine's GEMM GFLOP/s and copy bandwidth (needs onnxruntime-node)
  --profile             print each case's ten slowest kernels (tf.profile; always in the JSON)
  --no-kernels          core's fused kernels off: the stock-op chains, to measure what the kernels gain
  --vs-torch            also time the same algorithms in PyTorch on the CPU (needs python3 + torch)
  --baseline <json>     flag cases more than 10% slower than in that earlier output
  --memory-budget 16    GiB of predicted activations above which a case is skipped (default 16)
  --max-seconds 60      once a case takes longer, larger N of that variant are not run (default 60)
  --fit 1024:16384      token range of the growth-exponent fit (default: all measured)
  --set linformer.k=128 a layer option of one variant (repeatable). Unless set, the bench measures the
                        papers' complexity settings: linformer.k = min(256, N); strided.stride = the power
                        of two nearest √N, sparse-fixed.blockSize the one nearest √(8N)`;

const DOUBLING = Array.from({ length: 9 }, (_, i) => 256 * 2 ** i); // 256 … 65,536

function ints(flag: string, v: string): number[] {
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`${flag} takes positive integers, got '${v}'`);
  return xs;
}

function int(flag: string, v: string, min = 1): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new Error(`${flag} takes an integer ≥ ${min}, got '${v}'`);
  return x;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = {
    variants: 'all', backends: 'available', tokens: DOUBLING, dim: 128, numHeads: 4, batch: 1, mode: 'forward', runs: 5,
    out: 'bench-results', vsTorch: false, vsOrt: false, profile: false, kernels: true, memoryBudget: 16 * 2 ** 30, maxMs: 60_000, set: {},
  };
  let tokensGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--variants': o.variants = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--backends': {
        const bs = value().split(',').map((s) => s.trim());
        for (const b of bs) if (!isBackendName(b)) throw new Error(`unknown backend '${b}'; use cpu, wasm, webgpu, tensorflow or tensorflow-gpu`);
        o.backends = bs as BackendName[];
        break;
      }
      case '--tokens': o.tokens = ints(flag, value()); tokensGiven = true; break;
      case '--dim': o.dim = int(flag, value()); break;
      case '--heads': o.numHeads = int(flag, value()); break;
      case '--batch': o.batch = int(flag, value()); break;
      case '--runs': o.runs = int(flag, value()); break;
      case '--mode': {
        const m = value();
        if (m !== 'forward' && m !== 'train' && m !== 'decode') throw new Error(`--mode is forward, train or decode, got '${m}'`);
        o.mode = m;
        break;
      }
      case '--out': o.out = value(); break;
      case '--vs-torch': o.vsTorch = true; break;
      case '--vs-ort': o.vsOrt = true; break;
      case '--profile': o.profile = true; break;
      case '--no-kernels': o.kernels = false; break;
      case '--baseline': o.baseline = value(); break;
      case '--memory-budget': o.memoryBudget = Number(value()) * 2 ** 30; break;
      case '--max-seconds': o.maxMs = Number(value()) * 1000; break;
      case '--fit': {
        const [from, to] = ints(flag, value().replace(':', ','));
        o.fitFrom = from;
        o.fitTo = to;
        break;
      }
      case '--set': {
        const { variant, key, value: v } = parseSetting(value());
        o.set[variant] = { ...o.set[variant], [key]: v };
        break;
      }
      case '--help': case '-h': throw Object.assign(new Error(USAGE), { help: true });
      default: throw new Error(`unknown option '${a}'\n\n${USAGE}`);
    }
  }
  if (o.dim % o.numHeads !== 0) throw new Error(`--dim ${o.dim} is not divisible by --heads ${o.numHeads}`);
  if (!(o.memoryBudget > 0)) throw new Error('--memory-budget must be a positive number of GiB');
  if (!(o.maxMs > 0)) throw new Error('--max-seconds must be positive');
  if (o.mode === 'decode' && !tokensGiven) o.tokens = DECODE_POSITIONS;
  o.tokens = [...new Set(o.tokens)].sort((a, b) => a - b);
  return o;
}
