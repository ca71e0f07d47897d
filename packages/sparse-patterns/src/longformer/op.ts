import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { maskedSoftmax } from '@attention-zoo/attention-core/ops';
import { maskConstant, foldDilation, fromBlocks, keyValid, mergeBatchHeads, padTokens, paddedLength, unfoldDilation } from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import { attendOverSources, type KeySource, type PatternOptions, type SoftmaxOptions } from '../shared/sources.js';
import { clampWindow, foldValid, windowSource } from '../local/op.js';

export interface LongformerOptions extends PatternOptions {
  /** Sliding window: keys within ±radius·dilation (causal: the `radius` before), every `dilation`-th. */
  radius: number;
  /** Token positions with global attention (they attend to all keys, all queries attend to them). */
  globalIndices?: readonly number[];
  /** Window dilation, one number for all heads or one per head. Default 1. */
  dilation?: number | readonly number[];
  causal?: boolean;
  /**
   * Longformer's separate projections for global attention (§3.1, "Linear
   * Projections for Global Attention"): q, k, v `[B, H, N, d]` from Q_g, K_g,
   * V_g, used for the rows of the global tokens. Default: the same q, k, v.
   */
  global?: { q: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D };
}

/** The global positions, sorted and checked against the sequence length. */
export function checkGlobalIndices(op: string, indices: readonly number[] | undefined, n: number): number[] {
  const g = [...new Set(indices ?? [])].sort((a, b) => a - b);
  for (const i of g) {
    if (!Number.isInteger(i)) throw new AttentionConfigError(`${op}: global indices must be integers, got ${JSON.stringify(indices)}`);
    if (i < 0 || i >= n) {
      throw new AttentionInputError(`${op}: global index ${i} is out of range for a sequence of ${n} tokens (valid: 0 … ${n - 1})`);
    }
  }
  return g;
}

/** Per-head dilations, checked. */
export function headDilations(op: string, dilation: number | readonly number[] | undefined, heads: number): number[] {
  const list: number[] = typeof dilation === 'number' || dilation === undefined ? Array<number>(heads).fill(dilation ?? 1) : [...dilation];
  if (list.length !== heads) throw new AttentionConfigError(`${op}: dilation has ${list.length} entries but there are ${heads} heads (give one number or one per head)`);
  return list.map((d) => checkInt(op, 'dilation', d, 1));
}

/**
 * Longformer attention (Beltagy et al. 2020, §3.1): a sliding window (with
 * optional dilation per head) plus symmetric global attention on chosen
 * positions G. A query i ∉ G attends S_i = window(i) ∪ G under ONE softmax
 * (global keys inside the window counted once); a query in G attends every
 * key (causal: every key j ≤ i). The window is computed by blocks, the g global
 * keys as one `[B, H, N, g]` product, the g global rows as `[B, H, g, N]`:
 * time O(N·(r + g)·d), memory O(N·(r + g)). q, k, v `[B, H, N, d]`.
 * (Longformer's separate global projections belong to the layer: this op is
 * given the q, k, v to use.)
 */
export function longformerAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: LongformerOptions): tf.Tensor4D {
  const op = 'longformerAttention';
  const { batch, heads, queries: n, dk } = checkSelfQKV(q, k, v, op);
  const radius = checkInt(op, 'radius', options?.radius, 0);
  const dilations = headDilations(op, options.dilation, heads);
  const G = checkGlobalIndices(op, options.globalIndices, n);
  checkMask(options.keyPaddingMask, batch, n, op);
  const causal = options.causal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const qs = tf.mul(q, scale) as tf.Tensor4D;
    // Heads that share a dilation are computed together, then put back in order.
    const groups = [...new Set(dilations)].map((d) => ({ d, heads: dilations.flatMap((x, h) => (x === d ? [h] : [])) }));
    const outs = groups.map(({ d, heads: hs }) => {
      const pick = (x: tf.Tensor4D) => (groups.length === 1 ? x : (tf.gather(x, hs, 1) as tf.Tensor4D));
      // A window past the sequence is the dense one: clamped (per dilation) so blocks stay O(N).
      const [r, dd] = clampWindow(n, radius, d);
      return localAndGlobalKeys(pick(qs), pick(k), pick(v), options.keyPaddingMask, r, dd, G, causal, options);
    });
    let local = outs.length === 1 ? outs[0]! : (tf.concat(outs, 1) as tf.Tensor4D); // [B, H, N, dv], heads grouped
    if (groups.length > 1) {
      const order = groups.flatMap((g) => g.heads);
      local = tf.gather(local, order.map((_, h) => order.indexOf(h)), 1) as tf.Tensor4D;
    }
    if (G.length === 0) return local;
    const gl = options.global;
    const rows = gl
      ? globalRows(tf.mul(gl.q, scale) as tf.Tensor4D, gl.k, gl.v, options.keyPaddingMask, G, causal, options)
      : globalRows(qs, k, v, options.keyPaddingMask, G, causal, options); // [B, H, g, dv]
    // Global rows replace the window rows at their positions.
    const isGlobal = new Map(G.map((p, slot) => [p, slot]));
    const rowIndex = Array.from({ length: n }, (_, i) => (isGlobal.has(i) ? n + isGlobal.get(i)! : i));
    return tf.gather(tf.concat([local, rows], 2), rowIndex, 2) as tf.Tensor4D;
  });
}

/** Queries attend their (dilated) window plus the global keys, in one softmax: `[B, h, N, dv]`. */
function localAndGlobalKeys(
  qs: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask: tf.Tensor2D | undefined,
  radius: number,
  d: number,
  G: number[],
  causal: boolean,
  options: SoftmaxOptions,
): tf.Tensor4D {
  const [batch, h, n] = qs.shape;
  const dv = v.shape[3];
  const bh = batch * h;
  const c = Math.max(radius, 1);
  const nPad = paddedLength(n, c * d);
  const nb = nPad / (c * d);
  const valid = keyValid(mask, batch, h, n, nPad); // [BH, N']
  const [qp, kp, vp] = [qs, k, v].map((x) => padTokens(mergeBatchHeads(x), nPad)); // [BH, N', ·]
  const sources: KeySource[] = [windowSource(foldDilation(qp!, d), foldDilation(kp!, d), foldDilation(vp!, d), foldValid(valid, d), radius, causal)];
  const g = G.length;
  if (g > 0) {
    const kG = tf.gather(kp!, G, 1); // [BH, g, d]
    const vG = tf.gather(vp!, G, 1); // [BH, g, dv]
    // Query i may use global key G[s] unless it is already in i's window (or in i's future when causal).
    const allowed = new Uint8Array(nPad * g);
    for (let i = 0; i < nPad; i++) {
      G.forEach((j, s) => {
        const off = i - j;
        const inWindow = off % d === 0 && (causal ? off >= 0 && off <= radius * d : Math.abs(off) <= radius * d);
        allowed[i * g + s] = (!causal || j <= i) && !inWindow ? 1 : 0;
      });
    }
    // In the folded layout row s·δ + p holds sub-sequence p of row s: repeat per-row things δ times.
    const perFold = <T extends tf.Tensor>(x: T): T => (d === 1 ? x : (tf.reshape(tf.tile(tf.expandDims(x, 1), [1, d, ...x.shape.slice(1).map(() => 1)]), [x.shape[0]! * d, ...x.shape.slice(1)]) as T));
    const allowedF = tf.reshape(foldDilation(tf.reshape(maskConstant(allowed, [nPad, g]), [1, nPad, g]) as tf.Tensor3D, d), [d, nb, c, g]);
    const realG = perFold(tf.reshape(tf.gather(valid, G, 1), [bh, 1, 1, g])); // [BH·δ, 1, 1, g]
    const vGF = perFold(vG); // [BH·δ, g, dv]
    sources.push({
      logits: tf.reshape(foldDilation(tf.matMul(qp!, kG, false, true), d), [bh * d, nb, c, g]), // [BH·δ, nb, c, g]
      keep: tf.mul(d === 1 ? allowedF : tf.tile(allowedF, [bh, 1, 1, 1]), realG),
      mix: (w) => tf.reshape(tf.matMul(tf.reshape(w, [bh * d, nPad / d, g]), vGF), [bh * d, nb, c, dv]),
    });
  }
  const out = unfoldDilation(fromBlocks(attendOverSources(sources, options) as tf.Tensor4D), d); // [BH, N', dv]
  return tf.reshape(tf.slice(out, [0, 0, 0], [bh, n, dv]), [batch, h, n, dv]);
}

/** The global queries attend every key (causal: every key up to themselves): `[B, H, g, dv]`. */
function globalRows(
  qs: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask: tf.Tensor2D | undefined,
  G: number[],
  causal: boolean,
  options: SoftmaxOptions,
): tf.Tensor4D {
  const [batch, , n] = qs.shape;
  const logits = tf.matMul(tf.gather(qs, G, 2), k, false, true); // [B, H, g, N]
  const upTo = new Uint8Array(G.length * n);
  G.forEach((i, s) => upTo.fill(1, s * n, s * n + (causal ? i + 1 : n)));
  const keep = tf.mul(maskConstant(upTo, [1, 1, G.length, n]), tf.reshape(keyValid(mask, batch, 1, n, n), [batch, 1, 1, n]));
  let w = maskedSoftmax(logits, keep);
  if (options.training && (options.dropout ?? 0) > 0) w = tf.dropout(w, options.dropout!, undefined, options.seed);
  return tf.matMul(w, v) as tf.Tensor4D;
}
