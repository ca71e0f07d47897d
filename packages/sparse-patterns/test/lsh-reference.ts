import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions } from '@attention-zoo/attention-core';
import { linear, mat, weight } from '@attention-zoo/test-utils/float64';
import type { LshAttention } from '@attention-zoo/sparse-patterns';

/**
 * Reformer LSH attention written densely on the host in float64, from the
 * paper's definition, for the tests: per round, sort tokens by (bucket,
 * position) with Array.sort, lay the rounds end to end, cut into chunks of c;
 * query slot s sees the slots of its chunk and of the chunk before (wrapping);
 * own key −1e5, forbidden keys −1e9 (padding; causal: other round/bucket,
 * j > i, or more than c slots back). One softmax over the multiset of keys a
 * query meets in all rounds (≡ the logsumexp combination of rounds).
 * Uses the layer's weights and its bucketAssignment (checked separately).
 */
export async function lshDenseReference(layer: LshAttention, x: tf.Tensor3D, options: AttentionCallOptions = {}): Promise<tf.Tensor3D> {
  const [batch, n, d] = x.shape;
  const h = layer.numHeads;
  const dh = d / h;
  const { chunkLength: c, numHashes: R, scale, causal } = layer;
  const xs = Float64Array.from(await x.data());
  const mask = options.keyPaddingMask ? await options.keyPaddingMask.data() : null;
  const buckets = (await layer.bucketAssignment(x, options.keyPaddingMask).array()) as number[][][][];
  const [wq, bq, wv, bv, wo, bo] = await Promise.all(['q/kernel', 'q/bias', 'v/kernel', 'v/bias', 'out/kernel', 'out/bias'].map((p) => weight(layer, p)));
  const out = new Float64Array(batch * n * d);
  for (let b = 0; b < batch; b++) {
    const xb = xs.subarray(b * n * d, (b + 1) * n * d);
    const q = linearRows(xb, n, d, wq!, bq);
    const v = linearRows(xb, n, d, wv!, bv);
    const valid = (j: number) => !mask || mask[b * n + j] !== 0;
    const mixed = new Float64Array(n * d);
    for (let head = 0; head < h; head++) {
      const qi = (i: number) => q.subarray(i * d + head * dh, i * d + (head + 1) * dh);
      const norm = (j: number) => Math.sqrt(qi(j).reduce((a, e) => a + e * e, 0) + 1e-12);
      // slots: all rounds end to end, each sorted by (bucket, position)
      const slots: { j: number; r: number; bucket: number }[] = [];
      for (let r = 0; r < R; r++) {
        const hr = buckets[b]![head]![r]!;
        const order = [...Array(n).keys()].sort((i, j) => hr[i]! - hr[j]! || i - j);
        for (const j of order) slots.push({ j, r, bucket: hr[j]! });
      }
      const nc = (R * n) / c;
      const met: { l: number; j: number }[][] = Array.from({ length: n }, () => []);
      slots.forEach((s, si) => {
        const C = Math.floor(si / c);
        const a = si - C * c;
        const i = s.j;
        for (let t = 0; t < 2 * c; t++) {
          const ti = t < c ? ((C - 1 + nc) % nc) * c + t : C * c + (t - c);
          const key = slots[ti]!;
          const j = key.j;
          let l = 0;
          for (let e = 0; e < dh; e++) l += qi(i)[e]! * (qi(j)[e]! / norm(j));
          l *= scale;
          if (j === i) l = -1e5;
          let keep = valid(j);
          if (causal) keep &&= key.r === s.r && key.bucket === s.bucket && j <= i && t >= a && t <= c + a;
          if (!keep) l = -1e9;
          met[i]!.push({ l, j });
        }
      });
      for (let i = 0; i < n; i++) {
        const mx = Math.max(...met[i]!.map((m) => m.l));
        const ex = met[i]!.map((m) => Math.exp(m.l - mx));
        const total = ex.reduce((a, e) => a + e, 0);
        met[i]!.forEach((m, t) => {
          for (let e = 0; e < dh; e++) mixed[i * d + head * dh + e] += (ex[t]! / total) * v[m.j * d + head * dh + e]!;
        });
      }
    }
    out.set(linearRows(mixed, n, d, wo!, bo), b * n * d);
  }
  return tf.tensor3d(Float32Array.from(out), [batch, n, d]);
}

/** x W + b for x `[rows, d]` flat, W `[d, d]`: test-utils' float64 `linear` on flat arrays. */
function linearRows(x: Float64Array, rows: number, d: number, w: Float64Array, b: Float64Array | null): Float64Array {
  return linear(mat(rows, d, Float64Array.from(x)), w, d, b).a;
}
