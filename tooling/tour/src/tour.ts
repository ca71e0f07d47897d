import * as tf from '@tensorflow/tfjs-core';
import { layoutConfig, listAttentions, pickOptions, SHARED_CONFIG_KEYS, TransformerEncoder, type IncrementalKind, type RegisteredAttention } from '@attention-zoo/attention-core';
import { squareSide } from '@attention-zoo/attention-core/ops';

export interface TourOptions {
  batch?: number;
  /** Tokens per sequence; must be a square so grid variants get `grid: [√N, √N]`. */
  tokens?: number;
  dim?: number;
  numHeads?: number;
  depth?: number;
  /** Timed forward passes per variant, after one warm-up pass. */
  repeats?: number;
  /** Only variants whose name contains this. */
  only?: string;
  /**
   * Variant options tried across the tour (`{ radius: 8, numFeatures: 64 }`): each variant
   * gets the ones it declares (the lenient path, `pickOptions`); a key no toured variant
   * declares is an error, so a typo is not silently dropped everywhere.
   */
  options?: Record<string, unknown>;
  onLine?: (line: TourLine) => void;
}

export interface TourLine {
  name: string;
  family: string;
  ok: boolean;
  /** Output shape, when the forward pass worked. */
  shape?: number[];
  /** Mean wall time of one forward pass in ms (read back included). */
  ms?: number;
  complexity: string;
  /** How the variant decodes token by token (`capabilities.incremental`), or `none`: it recomputes the prefix. */
  decode: IncrementalKind | 'none';
  error?: string;
}

/** The √N×√N grid that grid variants get (N must be a square). */
function squareGrid(tokens: number): [number, number] {
  const s = squareSide(tokens);
  if (s === null) throw new Error(`tour: tokens must be a square number (grid variants use a √N×√N grid), got ${tokens}`);
  return [s, s];
}

/** One small encoder per registered attention; a failing variant is reported, not fatal. */
export async function runTour(options: TourOptions = {}): Promise<TourLine[]> {
  const { batch = 2, tokens = 64, dim = 64, numHeads = 4, depth = 2, repeats = 3, only, onLine } = options;
  const grid = squareGrid(tokens);
  const lines: TourLine[] = [];
  const variants = listAttentions().filter((d) => !only || d.name.includes(only));
  const shared = options.options ?? {};
  const taken = new Set(variants.flatMap((d) => Object.keys(pickOptions(d.name, shared))));
  const nobody = Object.keys(shared).filter((k) => !taken.has(k));
  if (nobody.length) throw new Error(`tour: no toured variant takes option(s) ${nobody.join(', ')}`);
  for (const d of variants) {
    // Only the variant's own keys go into the spec; the encoder passes the shared ones.
    const own = Object.fromEntries(Object.entries(pickOptions(d.name, shared)).filter(([k]) => !(SHARED_CONFIG_KEYS as readonly string[]).includes(k)));
    const line = await tourOne(d, { batch, tokens, dim, numHeads, depth, repeats, grid, own });
    lines.push(line);
    onLine?.(line);
  }
  return lines;
}

async function tourOne(
  d: RegisteredAttention,
  o: { batch: number; tokens: number; dim: number; numHeads: number; depth: number; repeats: number; grid: [number, number]; own: Record<string, unknown> },
): Promise<TourLine> {
  const base = {
    name: d.name,
    family: d.family,
    complexity: `time ${d.complexity.time}, memory ${d.complexity.memory}`,
    decode: d.capabilities.incremental ?? ('none' as const),
  };
  let encoder: TransformerEncoder | undefined;
  const x = tf.randomNormal([o.batch, o.tokens, o.dim], 0, 1, 'float32', 1);
  try {
    encoder = new TransformerEncoder({
      dim: o.dim,
      numHeads: o.numHeads,
      depth: o.depth,
      attention: { name: d.name, ...o.own },
      ...layoutConfig(d, { tokens: o.tokens, grid: o.grid }),
      seed: 0,
    });
    const forward = async (): Promise<number[]> => {
      const y = encoder!.apply(x) as tf.Tensor;
      await y.data();
      const shape = y.shape;
      y.dispose();
      return shape;
    };
    const shape = await forward(); // warm-up: builds weights, compiles kernels
    const t0 = performance.now();
    for (let i = 0; i < o.repeats; i++) await forward();
    const ms = (performance.now() - t0) / o.repeats;
    return { ...base, ok: true, shape, ms };
  } catch (err) {
    return { ...base, ok: false, error: (err as Error).message };
  } finally {
    x.dispose();
    encoder?.dispose();
  }
}

export function formatTourLine(l: TourLine): string {
  const head = `${l.name.padEnd(22)} ${l.family.padEnd(10)}`;
  if (!l.ok) return `${head} FAILED  ${l.error}`;
  const shape = `[${l.shape!.join(', ')}]`.padEnd(14);
  return `${head} output ${shape} ${l.ms!.toFixed(1).padStart(8)} ms   decode ${l.decode.padEnd(9)}  ${l.complexity}`;
}
