// Float64 left-product references: the N×M weights of each variant written
// straight from the paper's equation (no features trick, no prefix sums),
// applied to the layer's own weights. For tests only, small N.
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions, AttentionLayer } from '@attention-zoo/attention-core';
import { denseLinear, readProjections } from '@attention-zoo/attention-core/testing';

type Rows = Float64Array[];
/** Unnormalised or final weights of one head: A[i][j] for allowed pairs. */
export type HeadWeights = (q: Rows, k: Rows, allowed: (i: number, j: number) => boolean) => number[][];

const slice = (t: Float64Array, rows: number, d: number, from: number, width: number): Rows =>
  Array.from({ length: rows }, (_, r) => t.slice(r * d + from, r * d + from + width));

interface Projected {
  batch: number;
  n: number;
  m: number;
  d: number;
  q: Float64Array[];
  k: Float64Array[];
  v: Float64Array[];
  mask: Float32Array | Int32Array | Uint8Array | null;
  out: (mixed: Float64Array[]) => Promise<tf.Tensor3D>;
}

async function projectAll(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions): Promise<Projected> {
  const ctxT = options.context ?? x;
  const [batch, n, d] = x.shape;
  const m = ctxT.shape[1];
  const xs = Float64Array.from(await x.data());
  const cs = Float64Array.from(await ctxT.data());
  const mask = options.keyPaddingMask ? ((await options.keyPaddingMask.data()) as Float32Array) : null;
  const [wq, bq, wk, bk, wv, bv, wo, bo] = await readProjections(layer);
  const per = <T>(f: (b: number) => T) => Array.from({ length: batch }, (_, b) => f(b));
  return {
    batch,
    n,
    m,
    d,
    mask,
    q: per((b) => denseLinear(xs.subarray(b * n * d, (b + 1) * n * d), n, d, d, wq!, bq)),
    k: per((b) => denseLinear(cs.subarray(b * m * d, (b + 1) * m * d), m, d, d, wk!, bk)),
    v: per((b) => denseLinear(cs.subarray(b * m * d, (b + 1) * m * d), m, d, d, wv!, bv)),
    out: async (mixed) => {
      const y = new Float64Array(batch * n * d);
      mixed.forEach((mx, b) => y.set(denseLinear(mx, n, d, d, wo!, bo), b * n * d));
      return tf.tensor3d(Float32Array.from(y), [batch, n, d]);
    },
  };
}

/**
 * out_proj(A·V) per head with A from `weights` (which must already be the
 * final, normalised weights), masks from the layer's `causal` and the options.
 */
export async function denseHeadsReference(
  layer: AttentionLayer,
  x: tf.Tensor3D,
  options: AttentionCallOptions,
  weights: HeadWeights,
): Promise<tf.Tensor3D> {
  const p = await projectAll(layer, x, options);
  const h = layer.numHeads;
  const dh = p.d / h;
  const mixed = p.q.map((qb, b) => {
    const out = new Float64Array(p.n * p.d);
    const allowed = (i: number, j: number) => (!layer.causal || j <= i) && (!p.mask || p.mask[b * p.m + j] !== 0);
    for (let head = 0; head < h; head++) {
      const a = weights(slice(qb, p.n, p.d, head * dh, dh), slice(p.k[b]!, p.m, p.d, head * dh, dh), allowed);
      for (let i = 0; i < p.n; i++) {
        for (let j = 0; j < p.m; j++) {
          const w = allowed(i, j) ? a[i]![j]! : 0;
          for (let e = 0; e < dh; e++) out[i * p.d + head * dh + e] += w * p.v[b]![j * p.d + head * dh + e]!;
        }
      }
    }
    return out;
  });
  return p.out(mixed);
}

/** A_ij = s(q_i, k_j) / (Σ_{allowed j'} s(q_i, k_j') + eps): the normalisation of every feature-map variant. */
export function normalised(score: (i: number, j: number, q: Rows, k: Rows) => number, eps: number): HeadWeights {
  return (q, k, allowed) =>
    q.map((_, i) => {
      const row = k.map((_, j) => (allowed(i, j) ? score(i, j, q, k) : 0));
      const total = row.reduce((s, x) => s + x, 0) + eps;
      return row.map((x) => x / total);
    });
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Hydra (Bolya et al. 2022, Eq. 10) written per channel: out_ic = Σ_{allowed j} q̂_ic k̂_jc v_jc. */
export async function denseHydraReference(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions): Promise<tf.Tensor3D> {
  const p = await projectAll(layer, x, options);
  const unit = (t: Float64Array, rows: number): Rows =>
    slice(t, rows, p.d, 0, p.d).map((r) => {
      const norm = Math.max(Math.sqrt(dot(r, r)), 1e-12);
      return r.map((e) => e / norm);
    });
  const mixed = p.q.map((qb, b) => {
    const q = unit(qb, p.n);
    const k = unit(p.k[b]!, p.m);
    const out = new Float64Array(p.n * p.d);
    for (let i = 0; i < p.n; i++) {
      for (let j = 0; j < p.m; j++) {
        if ((layer.causal && j > i) || (p.mask && p.mask[b * p.m + j] === 0)) continue;
        for (let c = 0; c < p.d; c++) out[i * p.d + c] += q[i]![c]! * k[j]![c]! * p.v[b]![j * p.d + c]!;
      }
    }
    return out;
  });
  return p.out(mixed);
}
