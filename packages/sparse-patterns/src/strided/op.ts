import * as tf from '@tensorflow/tfjs-core';
import { maskConstant, fromBlocks, keyValid, mergeBatchHeads, padTokens, paddedLength } from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import { attendOverSources, type KeySource, type PatternOptions } from '../shared/sources.js';
import { windowSource } from '../local/op.js';

export interface StridedOptions extends PatternOptions {
  /** ℓ: the local part reaches ℓ keys back (and forward when not causal); the strided part every ℓ-th key. */
  stride: number;
  causal?: boolean;
}

/**
 * Sparse Transformer strided attention (Child et al. 2019, §4.2, Eq. 2 with the
 * strided pattern): the union of A⁽¹⁾ = {j : i − ℓ ≤ j ≤ i} and
 * A⁽²⁾ = {j ≤ i : (i − j) mod ℓ = 0} under ONE softmax (non-causal: |i − j| ≤ ℓ
 * or (i − j) mod ℓ = 0). A⁽¹⁾ is the block band; A⁽²⁾ is attention along the
 * columns of the sequence laid out as an [N/ℓ, ℓ] grid (token m·ℓ + p is row m,
 * column p): `[BH, ℓ, N/ℓ, N/ℓ]` logits. Keys of A⁽²⁾ inside the band
 * (rows m − 1, m, m + 1) are masked so each key counts once.
 * Time O(N·(ℓ + N/ℓ)·d), memory O(N·(ℓ + N/ℓ)) — O(N·√N) at ℓ = √N.
 * Any N: padded to a multiple of ℓ.
 */
export function stridedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: StridedOptions): tf.Tensor4D {
  const op = 'stridedAttention';
  const { batch, heads, queries: n, dk, dv } = checkSelfQKV(q, k, v, op);
  // A stride of N − 1 or more puts every key in the band |i − j| ≤ ℓ: the dense pattern, so ℓ is
  // clamped to max(N − 1, 1) (same result) and the blocks stay O(N), never padded to ℓ.
  const l = Math.min(checkInt(op, 'stride', options?.stride, 1), Math.max(n - 1, 1));
  checkMask(options.keyPaddingMask, batch, n, op);
  const causal = options.causal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const nPad = paddedLength(n, l);
    const valid = keyValid(options.keyPaddingMask, batch, heads, n, nPad); // [BH, N']
    const tokens = (x: tf.Tensor4D) => padTokens(mergeBatchHeads(x), nPad); // [BH, N', d]
    const [qs, ks, vs] = [tokens(tf.mul(q, scale) as tf.Tensor4D), tokens(k), tokens(v)];
    const out = attendOverSources([windowSource(qs, ks, vs, valid, l, causal), columnSource(qs, ks, vs, valid, l, causal)], options);
    return tf.reshape(tf.slice(fromBlocks(out as tf.Tensor4D), [0, 0, 0], [batch * heads, n, dv]), [batch, heads, n, dv]);
  });
}

/** A⁽²⁾ outside the band, in the band's block layout `[BH, N/ℓ, ℓ, N/ℓ]`. */
function columnSource(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, valid: tf.Tensor2D, l: number, causal: boolean): KeySource {
  const [bh, n] = valid.shape;
  const rows = n / l;
  const toColumns = (x: tf.Tensor3D) => tf.transpose(tf.reshape(x, [bh, rows, l, x.shape[2]]), [0, 2, 1, 3]); // [BH, ℓ, N/ℓ, X]
  const vc = toColumns(v);
  const logits = tf.transpose(tf.matMul(toColumns(q), toColumns(k), false, true), [0, 2, 1, 3]); // [BH, N/ℓ, ℓ, N/ℓ]
  const far = new Uint8Array(rows * rows);
  for (let m = 0; m < rows; m++) {
    for (let r = 0; r < rows; r++) far[m * rows + r] = (causal ? r <= m - 2 : Math.abs(m - r) >= 2) ? 1 : 0;
  }
  const realKey = tf.reshape(tf.transpose(tf.reshape(valid, [bh, rows, l]), [0, 2, 1]), [bh, 1, l, rows]); // 0/1
  return {
    logits,
    keep: tf.mul(maskConstant(far, [1, rows, 1, rows]), realKey),
    mix: (w) => tf.transpose(tf.matMul(tf.transpose(w, [0, 2, 1, 3]), vc), [0, 2, 1, 3]), // [BH, N/ℓ, ℓ, dv]
  };
}
