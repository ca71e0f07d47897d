// `pnpm bench --mode decode`: per-token time and state memory of token-by-token decoding
// (`layer.step`) at growing positions, for every variant with an incremental form, beside the
// cost of recomputing the prefix (one parallel causal forward over the P tokens before it).
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {
  createAttention,
  disposeState,
  getAttention,
  layoutConfig,
  listAttentions,
  stateBytes,
  type AttentionLayer,
  type AttentionState,
  type IncrementalKind,
} from '@attention-zoo/attention-core';
import type { BackendName } from '@attention-zoo/backends';
import { median } from './measure.js';
import { variantOptions, type VariantOptions } from './variant-options.js';

/** Positions the issue's targets are stated at. */
export const DECODE_POSITIONS = [256, 1024, 4096, 16384];

/** One variant at one position: the JSON record of `<out>/decode-<backend>-<timestamp>.json`. */
export interface DecodeRecord {
  variant: string;
  backend: BackendName;
  kind: IncrementalKind;
  /** Tokens already decoded: the step timed is the one at this position. */
  position: number;
  dim: number;
  numHeads: number;
  /** Median ms of one step at this position (output read back), over `runs` steps from the same state. */
  step_ms: number;
  /** Bytes the state holds at this position. */
  state_bytes: number;
  /** Wall ms of decoding positions 0 … position − 1 one after another (the pass that reached this state). */
  decode_ms: number;
  /** Median ms of one parallel causal forward over `position` tokens: recomputing the prefix per token. NaN when not run. */
  recompute_ms: number;
  recompute_skipped?: string;
  options?: VariantOptions;
  load1: number;
}

export interface DecodeBenchCase {
  variant: string;
  backend: BackendName;
  positions: number[];
  dim: number;
  numHeads: number;
  runs: number;
  /** Recomputes whose predicted activations exceed this are not run. */
  memoryBudgetBytes: number;
  /** Once a recompute takes longer, larger positions are not recomputed. */
  maxMs: number;
  set?: Record<string, VariantOptions>;
}

/** The causal layer of `variant` for sequences of `tokens` tokens (grid [1, N] / maxTokens N where needed). */
function causalLayer(variant: string, tokens: number, c: DecodeBenchCase): AttentionLayer {
  const options = variantOptions(variant, tokens, c.set);
  return createAttention(variant, {
    ...options,
    dim: c.dim,
    numHeads: c.numHeads,
    causal: true,
    ...layoutConfig(getAttention(variant), { tokens, grid: [1, tokens] }),
    seed: 0,
  });
}

/** Median ms of `runs` steps at `state` (each from the same state, output read back; the new states are dropped). */
async function timeStep(layer: AttentionLayer, state: AttentionState, x: tf.Tensor3D, runs: number): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const r = layer.step(x, state);
    await r.output.data();
    const ms = performance.now() - t0;
    r.output.dispose();
    disposeState(r.state, state);
    return ms;
  };
  await once(); // warm-up at this state's shapes
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return median(times);
}

/** Median ms of the parallel causal forward over `tokens` tokens, or why it was not run. */
async function timeRecompute(c: DecodeBenchCase, tokens: number): Promise<{ ms: number; skipped?: string }> {
  const d = getAttention(c.variant);
  const predicted = d.cost({ ...variantOptions(c.variant, tokens, c.set), tokens, dim: c.dim, numHeads: c.numHeads }).activationBytes;
  if (predicted > c.memoryBudgetBytes) return { ms: NaN, skipped: `predicted ${(predicted / 2 ** 30).toFixed(1)} GiB of activations > budget` };
  const layer = causalLayer(c.variant, tokens, c);
  const x = tf.randomNormal([1, tokens, c.dim], 0, 1, 'float32', 11) as tf.Tensor3D;
  try {
    const once = async () => {
      const t0 = performance.now();
      const y = layer.apply(x) as tf.Tensor;
      await y.data();
      y.dispose();
      return performance.now() - t0;
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < c.runs; i++) times.push(await once());
    return { ms: median(times) };
  } catch (err) {
    return { ms: NaN, skipped: `error: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    x.dispose();
    if (layer.built) layer.dispose();
  }
}

/**
 * Decodes one sequence token by token up to the largest position, timing `runs` steps at each
 * requested position and recording the state's bytes there; then times the recompute of each prefix.
 */
export async function measureDecode(c: DecodeBenchCase, log: (line: string) => void = () => {}): Promise<DecodeRecord[]> {
  const kind = getAttention(c.variant).capabilities.incremental;
  if (!kind) throw new Error(`'${c.variant}' has no incremental form (capabilities.incremental); decode mode measures only variants that step`);
  const last = Math.max(...c.positions);
  const layer = causalLayer(c.variant, last + 1, c);
  const records: DecodeRecord[] = [];
  let state = layer.initialState(1);
  const t0 = performance.now();
  let paused = 0;
  try {
    for (let p = 0; p <= last; p++) {
      const x = tf.randomNormal([1, 1, c.dim], 0, 1, 'float32', p) as tf.Tensor3D;
      if (c.positions.includes(p)) {
        const s0 = performance.now();
        const stepMs = await timeStep(layer, state, x, c.runs);
        const bytes = stateBytes(state);
        paused += performance.now() - s0;
        records.push({
          variant: c.variant, backend: c.backend, kind, position: p, dim: c.dim, numHeads: c.numHeads,
          step_ms: stepMs, state_bytes: bytes, decode_ms: performance.now() - t0 - paused, recompute_ms: NaN,
          ...(Object.keys(variantOptions(c.variant, last + 1, c.set)).length ? { options: variantOptions(c.variant, last + 1, c.set) } : {}),
          load1: loadavg()[0]!,
        });
        log(`${c.backend.padEnd(7)} ${c.variant.padEnd(16)} ${kind.padEnd(9)} pos ${String(p).padEnd(6)} step ${stepMs.toFixed(3).padStart(9)} ms  state ${(bytes / 1024).toFixed(1).padStart(9)} KiB`);
      }
      if (p === last) {
        x.dispose();
        break;
      }
      const r = layer.step(x, state, { disposeState: true });
      x.dispose();
      await r.output.data(); // decoding is sequential: each token is read back before the next
      r.output.dispose();
      state = r.state;
    }
  } finally {
    disposeState(state);
    layer.dispose();
  }
  let stopped: string | undefined;
  for (const r of records) {
    const rec = stopped ? { ms: NaN, skipped: stopped } : await timeRecompute(c, r.position);
    r.recompute_ms = rec.ms;
    if (rec.skipped) r.recompute_skipped = rec.skipped;
    if (!stopped && rec.ms > c.maxMs) stopped = `not run: position ${r.position} already took ${(rec.ms / 1000).toFixed(1)} s`;
    log(`${c.backend.padEnd(7)} ${c.variant.padEnd(16)} recompute ${String(r.position).padEnd(6)} ${Number.isNaN(rec.ms) ? rec.skipped : `${rec.ms.toFixed(2)} ms`}`);
  }
  return records;
}

/** The variants decode mode measures: those given, or every registered one with an incremental form. */
export function decodeVariants(requested: string[] | 'all'): string[] {
  if (requested !== 'all') return requested;
  return listAttentions().filter((d) => d.capabilities.incremental).map((d) => d.name);
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '—' : ms < 1 ? ms.toFixed(3) : ms.toFixed(2));

/** The decode report: per variant and position, step time, state bytes, recompute time and their ratio. */
export function decodeReport(records: DecodeRecord[]): string {
  const lines = [
    '| backend | variant | state | position | step ms | state KiB | recompute ms | recompute / step |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of records) {
    const ratio = r.recompute_ms / r.step_ms;
    lines.push(`| ${r.backend} | ${r.variant} | ${r.kind} | ${r.position} | ${fmt(r.step_ms)} | ${(r.state_bytes / 1024).toFixed(1)} | ${Number.isNaN(r.recompute_ms) ? `— (${r.recompute_skipped ?? 'not run'})` : fmt(r.recompute_ms)} | ${Number.isNaN(ratio) ? '—' : `${ratio.toFixed(1)}×`} |`);
  }
  const growth: string[] = [];
  for (const v of [...new Set(records.map((r) => `${r.backend}\u0000${r.variant}`))]) {
    const rs = records.filter((r) => `${r.backend}\u0000${r.variant}` === v);
    const [a, b] = [rs[0]!, rs.at(-1)!];
    if (a === b) continue;
    growth.push(`- ${a.backend} ${a.variant} (${a.kind}): step at ${b.position} is ${(b.step_ms / a.step_ms).toFixed(2)}× the step at ${a.position}; state ${a.state_bytes === b.state_bytes ? 'identical' : `${(b.state_bytes / Math.max(1, a.state_bytes)).toFixed(1)}×`}`);
  }
  return `${lines.join('\n')}\n\n${growth.join('\n')}\n`;
}
