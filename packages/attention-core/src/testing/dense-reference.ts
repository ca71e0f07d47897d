import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions, AttentionLayer } from '../layers/attention-layer.js';
import { denseLinear, readProjections } from './dense-linear.js';

export interface DenseSoftmaxReferenceOptions extends AttentionCallOptions {
  /** Logit scale; default the layer's `scale`, else headDim^-½. */
  scale?: number;
  /** Causal masking; default the layer's `causal`. */
  causal?: boolean;
  /** A sparsity pattern: may query i of head h attend to key j? Default: all pairs. */
  pattern?: (i: number, j: number, head: number) => boolean;
}

/**
 * Multi-head softmax attention computed densely, in float64, with plain loops
 * over the layer's own q/k/v/out weights: out_proj(softmax(QKᵀ·scale + mask)V).
 * An independent reference for the conformance kit — for softmax itself, and,
 * with `pattern`, for sparse variants (the dense masked equivalent of a
 * pattern). A query with no allowed key gets zeros. Small N only.
 */
export async function denseSoftmaxReference(
  layer: AttentionLayer,
  x: tf.Tensor3D,
  options: DenseSoftmaxReferenceOptions = {},
): Promise<tf.Tensor3D> {
  const ctxT = options.context ?? x;
  const [batch, n, d] = x.shape;
  const m = ctxT.shape[1];
  const h = layer.numHeads;
  const dh = d / h;
  const scale = options.scale ?? (layer as unknown as { scale?: number }).scale ?? 1 / Math.sqrt(dh);
  const causal = options.causal ?? layer.causal;
  const xs = Float64Array.from(await x.data());
  const cs = Float64Array.from(await ctxT.data());
  const mask = options.keyPaddingMask ? await options.keyPaddingMask.data() : null;
  const [wq, bq, wk, bk, wv, bv, wo, bo] = await readProjections(layer);
  const out = new Float64Array(batch * n * d);
  for (let b = 0; b < batch; b++) {
    const q = denseLinear(xs.subarray(b * n * d, (b + 1) * n * d), n, d, d, wq!, bq);
    const k = denseLinear(cs.subarray(b * m * d, (b + 1) * m * d), m, d, d, wk!, bk);
    const v = denseLinear(cs.subarray(b * m * d, (b + 1) * m * d), m, d, d, wv!, bv);
    const mixed = new Float64Array(n * d);
    for (let head = 0; head < h; head++) {
      for (let i = 0; i < n; i++) {
        const logits: number[] = [];
        const keys: number[] = [];
        for (let j = 0; j < m; j++) {
          if (causal && j > i) continue;
          if (mask && mask[b * m + j] === 0) continue;
          if (options.pattern && !options.pattern(i, j, head)) continue;
          let s = 0;
          for (let e = 0; e < dh; e++) s += q[i * d + head * dh + e]! * k[j * d + head * dh + e]!;
          logits.push(s * scale);
          keys.push(j);
        }
        if (keys.length === 0) continue;
        const mx = Math.max(...logits);
        const ex = logits.map((l) => Math.exp(l - mx));
        const total = ex.reduce((a, c) => a + c, 0);
        for (let t = 0; t < keys.length; t++) {
          const p = ex[t]! / total;
          for (let e = 0; e < dh; e++) mixed[i * d + head * dh + e] += p * v[keys[t]! * d + head * dh + e]!;
        }
      }
    }
    out.set(denseLinear(mixed, n, d, d, wo!, bo), b * n * d);
  }
  return tf.tensor3d(Float32Array.from(out), [batch, n, d]);
}
