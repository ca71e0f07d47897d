import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';
import { maskConstant, fromBlocks, keyValid, mergeBatchHeads, padTokens, paddedLength, toBlocks } from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import { attendOverSources, type KeySource, type PatternOptions } from '../shared/sources.js';

export interface FixedOptions extends PatternOptions {
  /** ℓ: the block length of A⁽¹⁾. */
  blockSize: number;
  /** c: the last c positions of every block are "summary" keys (A⁽²⁾); 1 ≤ c ≤ ℓ. */
  summarySize: number;
  causal?: boolean;
}

/**
 * Sparse Transformer fixed attention (Child et al. 2019, §4.3): the union of
 * A⁽¹⁾ = {j : ⌊j/ℓ⌋ = ⌊i/ℓ⌋} and A⁽²⁾ = {j : j mod ℓ ∈ {ℓ − c, …, ℓ − 1}}
 * (causal: both restricted to j ≤ i) under ONE softmax. A⁽¹⁾ is attention
 * inside each block `[BH, N/ℓ, ℓ, ℓ]`; A⁽²⁾ attends to the N/ℓ·c summary keys,
 * gathered once, `[BH, N, N/ℓ·c]`, with the query's own block masked (it is
 * in A⁽¹⁾). Time O(N·(ℓ + c·N/ℓ)·d), memory O(N·(ℓ + c·N/ℓ)).
 * Any N: padded to a multiple of ℓ.
 */
export function fixedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: FixedOptions): tf.Tensor4D {
  const op = 'fixedAttention';
  const { batch, heads, queries: n, dk, dv } = checkSelfQKV(q, k, v, op);
  const blockSize = checkInt(op, 'blockSize', options?.blockSize, 1);
  const summarySize = checkInt(op, 'summarySize', options.summarySize, 1);
  if (summarySize > blockSize) throw new AttentionConfigError(`${op}: summarySize ${summarySize} must not exceed blockSize ${blockSize}`);
  checkMask(options.keyPaddingMask, batch, n, op);
  // A block of N or more tokens is one block holding the whole sequence (A⁽¹⁾ is then every key,
  // A⁽²⁾ adds nothing): ℓ is clamped to N (c with it) — the same result, never padded past N.
  const l = Math.min(blockSize, n);
  const c = Math.min(summarySize, l);
  const causal = options.causal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const bh = batch * heads;
    const nPad = paddedLength(n, l);
    const nb = nPad / l;
    const valid = tf.reshape(keyValid(options.keyPaddingMask, batch, heads, n, nPad), [bh, nb, l]);
    const tokens = (x: tf.Tensor4D) => padTokens(mergeBatchHeads(x), nPad); // [BH, N', d]
    const qs = tokens(tf.mul(q, scale) as tf.Tensor4D);
    const kb = toBlocks(tokens(k), l); // [BH, nb, ℓ, d]
    const vb = toBlocks(tokens(v), l);
    // A⁽¹⁾: the query's own block.
    const within = new Uint8Array(l * l);
    for (let a = 0; a < l; a++) for (let j = 0; j < l; j++) within[a * l + j] = !causal || j <= a ? 1 : 0;
    const own: KeySource = {
      logits: tf.matMul(toBlocks(qs, l), kb, false, true), // [BH, nb, ℓ, ℓ]
      keep: tf.mul(maskConstant(within, [1, 1, l, l]), tf.reshape(valid, [bh, nb, 1, l])),
      mix: (w) => tf.matMul(w, vb), // [BH, nb, ℓ, dv]
    };
    // A⁽²⁾: the summary keys of the other blocks (earlier ones when causal).
    const summary = (x: tf.Tensor4D) => tf.reshape(tf.slice(x, [0, 0, l - c, 0], [bh, nb, c, x.shape[3]]), [bh, nb * c, x.shape[3]]);
    const kS = summary(kb); // [BH, nb·c, d]
    const vS = summary(vb);
    const other = new Uint8Array(nb * nb * c);
    for (let i = 0; i < nb; i++) for (let s = 0; s < nb * c; s++) other[i * nb * c + s] = (causal ? Math.floor(s / c) < i : Math.floor(s / c) !== i) ? 1 : 0;
    const realSummary = tf.reshape(tf.slice(valid, [0, 0, l - c], [bh, nb, c]), [bh, 1, 1, nb * c]); // 0/1
    const summaries: KeySource = {
      logits: tf.reshape(tf.matMul(qs, kS, false, true), [bh, nb, l, nb * c]),
      keep: tf.mul(maskConstant(other, [1, nb, 1, nb * c]), realSummary),
      mix: (w) => tf.reshape(tf.matMul(tf.reshape(w, [bh, nPad, nb * c]), vS), [bh, nb, l, dv]),
    };
    const out = fromBlocks(attendOverSources([own, summaries], options) as tf.Tensor4D); // [BH, N', dv]
    return tf.reshape(tf.slice(out, [0, 0, 0], [bh, n, dv]), [batch, heads, n, dv]);
  });
}
