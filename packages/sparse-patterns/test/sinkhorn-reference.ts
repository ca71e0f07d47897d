import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallOptions } from '@attention-zoo/attention-core';
import { linear, mat, weight } from '@attention-zoo/test-utils/float64';
import type { SinkhornAttention } from '@attention-zoo/sparse-patterns';

const lse = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
};

/**
 * Sparse Sinkhorn attention (Tay et al. 2020) written densely on the host in
 * float64 from the paper's equations, for the tests: block sums, sorting
 * logits R = (e^q W)·e^k/√d/τ, log-space Sinkhorn, sorted blocks K̂ = P·K,
 * V̂ = P·V, then per query one softmax over its sorted block and its own block
 * (padding zeroed before sorting and masked in the local block; a sorted slot
 * mixing only padding is masked). Inference only (no Gumbel noise).
 */
export async function sinkhornDenseReference(layer: SinkhornAttention, x: tf.Tensor3D, options: AttentionCallOptions = {}): Promise<tf.Tensor3D> {
  const [batch, n, d] = x.shape;
  const h = layer.numHeads;
  const dh = d / h;
  const { blockSize: bs, sinkhornIterations: iters, temperature: tau, scale, causal } = layer;
  const nb = n / bs;
  const xs = Float64Array.from(await x.data());
  const mask = options.keyPaddingMask ? await options.keyPaddingMask.data() : null;
  const [wq, bq, wk, bk, wv, bv, wo, bo, ws] = await Promise.all(
    ['q/kernel', 'q/bias', 'k/kernel', 'k/bias', 'v/kernel', 'v/bias', 'out/kernel', 'out/bias', 'sort/kernel'].map((p) => weight(layer, p)),
  );
  const out = new Float64Array(batch * n * d);
  for (let b = 0; b < batch; b++) {
    const xb = xs.subarray(b * n * d, (b + 1) * n * d);
    const [q, k, v] = [linearRows(xb, n, d, wq!, bq), linearRows(xb, n, d, wk!, bk), linearRows(xb, n, d, wv!, bv)];
    const valid = (j: number) => (!mask || mask[b * n + j] !== 0 ? 1 : 0);
    const mixed = new Float64Array(n * d);
    for (let head = 0; head < h; head++) {
      const at = (m: Float64Array, i: number, e: number) => m[i * d + head * dh + e]! * valid(i);
      const blockSum = (m: Float64Array, I: number) => Array.from({ length: dh }, (_, e) => Array.from({ length: bs }, (_, t) => at(m, I * bs + t, e)).reduce((a, c) => a + c, 0));
      // causal: row I reads block I − 1 (zeros for row 0)
      const eq = Array.from({ length: nb }, (_, I) => (causal ? (I > 0 ? blockSum(q, I - 1) : Array<number>(dh).fill(0)) : blockSum(q, I)));
      const ek = Array.from({ length: nb }, (_, J) => blockSum(k, J));
      let logP = eq.map((qe) => {
        const qw = Array.from({ length: dh }, (_, o) => qe.reduce((s, qv, e) => s + qv * ws![e * dh + o]!, 0));
        return ek.map((ke) => qw.reduce((s, c, e) => s + c * ke[e]!, 0) / Math.sqrt(dh) / tau);
      });
      if (causal) {
        // past blocks only, rows normalised once (softmax over J < I); row 0 all zeros
        logP = logP.map((row, I) => (I === 0 ? row.map(() => -Infinity) : row.map((x, J) => (J < I ? x - lse(row.slice(0, I)) : -Infinity))));
      }
      for (let it = 0; it < (causal ? 0 : iters); it++) {
        logP = logP.map((row) => row.map((x) => x - lse(row)));
        const cols = Array.from({ length: nb }, (_, J) => lse(logP.map((row) => row[J]!)));
        logP = logP.map((row) => row.map((x, J) => x - cols[J]!));
      }
      const P = logP.map((row) => row.map(Math.exp));
      for (let i = 0; i < n; i++) {
        const I = Math.floor(i / bs);
        const keys: { l: number; val: number[] }[] = [];
        for (let t = 0; t < bs; t++) {
          // sorted slot t of block I: Σ_J P_IJ (token t of block J)
          const kS = Array.from({ length: dh }, (_, e) => P[I]!.reduce((s, p, J) => s + p * at(k, J * bs + t, e), 0));
          const vS = Array.from({ length: dh }, (_, e) => P[I]!.reduce((s, p, J) => s + p * at(v, J * bs + t, e), 0));
          if (P[I]!.some((_, J) => valid(J * bs + t) === 1) && !(causal && I === 0)) keys.push({ l: kS.reduce((s, c, e) => s + c * q[i * d + head * dh + e]!, 0) * scale, val: vS });
        }
        for (let t = 0; t < bs; t++) {
          const j = I * bs + t;
          if (!valid(j) || (causal && j > i)) continue;
          keys.push({ l: Array.from({ length: dh }, (_, e) => q[i * d + head * dh + e]! * k[j * d + head * dh + e]!).reduce((a, c) => a + c, 0) * scale, val: Array.from({ length: dh }, (_, e) => v[j * d + head * dh + e]!) });
        }
        if (keys.length === 0) continue;
        const z = lse(keys.map((kk) => kk.l));
        for (const kk of keys) for (let e = 0; e < dh; e++) mixed[i * d + head * dh + e] += Math.exp(kk.l - z) * kk.val[e]!;
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
