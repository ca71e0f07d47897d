// Float64 loop references for attention tests: independent of the tf ops the layers use.
import * as tf from '@tensorflow/tfjs-core';

/** What the references read of a layer (an attention-core AttentionLayer), typed structurally to avoid a dependency cycle. */
export interface LayerWeights {
  numHeads: number;
  weightPaths(): string[];
  weight(path: string): { read(): tf.Tensor };
}

/** A row-major float64 matrix. */
export interface Mat {
  rows: number;
  cols: number;
  a: Float64Array;
}

export const mat = (rows: number, cols: number, a = new Float64Array(rows * cols)): Mat => ({ rows, cols, a });
export const at = (m: Mat, r: number, c: number): number => m.a[r * m.cols + c]!;

export async function weight(layer: LayerWeights, path: string): Promise<Float64Array | null> {
  return layer.weightPaths().includes(path) ? Float64Array.from(await layer.weight(path).read().data()) : null;
}

/** x W + b for x `[rows, in]`, W `[in, out]` (tfjs layout). */
export function linear(x: Mat, w: Float64Array, out: number, b: Float64Array | null): Mat {
  const y = mat(x.rows, out);
  for (let r = 0; r < x.rows; r++) {
    for (let o = 0; o < out; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < x.cols; i++) s += at(x, r, i) * w[i * out + o]!;
      y.a[r * out + o] = s;
    }
  }
  return y;
}

/** Columns `[c0, c0 + n)` of m. */
export function cols(m: Mat, c0: number, n: number): Mat {
  const y = mat(m.rows, n);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < n; c++) y.a[r * n + c] = at(m, r, c0 + c);
  return y;
}

/** Row-wise softmax(q kᵀ·scale) v over the allowed keys; a row with none is zeros. */
export function attend(q: Mat, k: Mat, v: Mat, scale: number, allowed: (i: number, j: number) => boolean = () => true): Mat {
  const y = mat(q.rows, v.cols);
  for (let i = 0; i < q.rows; i++) {
    const logits: number[] = [];
    const keys: number[] = [];
    for (let j = 0; j < k.rows; j++) {
      if (!allowed(i, j)) continue;
      let s = 0;
      for (let e = 0; e < q.cols; e++) s += at(q, i, e) * at(k, j, e);
      logits.push(s * scale);
      keys.push(j);
    }
    if (keys.length === 0) continue;
    const mx = Math.max(...logits);
    const ex = logits.map((l) => Math.exp(l - mx));
    const total = ex.reduce((a, c) => a + c, 0);
    keys.forEach((j, t) => {
      for (let e = 0; e < v.cols; e++) y.a[i * v.cols + e] += (ex[t]! / total) * at(v, j, e);
    });
  }
  return y;
}

/** Sample b of a `[batch, tokens, dim]` tensor's data as a matrix. */
export function sample(data: Float32Array | Float64Array, b: number, n: number, d: number): Mat {
  return mat(n, d, Float64Array.from(data.subarray(b * n * d, (b + 1) * n * d)));
}

/**
 * The layer's projections around a per-head mixing step, in float64:
 * out_proj(concat_h mixHead(h, q_h, k_h, v_h, sampleIndex)).
 */
export async function aroundHeads(
  layer: LayerWeights,
  x: tf.Tensor3D,
  mixHead: (head: number, q: Mat | null, k: Mat | null, v: Mat, b: number, xb: Mat) => Mat,
  context: tf.Tensor3D = x,
  kv: (xb: Mat, b: number) => Mat = (xb) => xb,
): Promise<tf.Tensor3D> {
  const [batch, n, d] = x.shape;
  const m = context.shape[1];
  const h = layer.numHeads;
  const dh = d / h;
  const [xs, cs] = [await x.data(), await context.data()] as Float32Array[];
  const w = async (p: string) => weight(layer, p);
  const [wq, bq, wk, bk, wv, bv, wo, bo] = await Promise.all(['q/kernel', 'q/bias', 'k/kernel', 'k/bias', 'v/kernel', 'v/bias', 'out/kernel', 'out/bias'].map(w));
  const out = new Float32Array(batch * n * d);
  for (let b = 0; b < batch; b++) {
    const xb = sample(xs!, b, n, d);
    const cb = kv(sample(cs!, b, m, d), b);
    const q = wq ? linear(xb, wq, d, bq) : null;
    const k = wk ? linear(cb, wk, d, bk) : null;
    const v = linear(cb, wv!, d, bv);
    const mixed = mat(n, d);
    for (let head = 0; head < h; head++) {
      const y = mixHead(head, q && cols(q, head * dh, dh), k && cols(k, head * dh, dh), cols(v, head * dh, dh), b, xb);
      for (let i = 0; i < n; i++) for (let e = 0; e < dh; e++) mixed.a[i * d + head * dh + e] = at(y, i, e);
    }
    out.set(Float32Array.from(linear(mixed, wo!, d, bo).a), b * n * d);
  }
  return tf.tensor3d(out, [batch, n, d]);
}

/** Row-wise softmax(logits) v over the allowed keys; a row with none is zeros. */
export function mixLogits(logits: Mat, v: Mat, allowed: (i: number, j: number) => boolean = () => true): Mat {
  const y = mat(logits.rows, v.cols);
  for (let i = 0; i < logits.rows; i++) {
    const keys = [...Array(logits.cols).keys()].filter((j) => allowed(i, j));
    if (keys.length === 0) continue;
    const mx = Math.max(...keys.map((j) => at(logits, i, j)));
    const ex = keys.map((j) => Math.exp(at(logits, i, j) - mx));
    const total = ex.reduce((a, c) => a + c, 0);
    keys.forEach((j, t) => {
      for (let e = 0; e < v.cols; e++) y.a[i * v.cols + e] += (ex[t]! / total) * at(v, j, e);
    });
  }
  return y;
}
