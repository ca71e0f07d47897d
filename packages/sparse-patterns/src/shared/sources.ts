import * as tf from '@tensorflow/tfjs-core';
import { maskedSoftmaxParts } from '@attention-zoo/attention-core/ops';

/**
 * One set of keys a query block looks at (its window, the global tokens, the
 * random blocks, a strided column, …), already multiplied out to logits.
 * Shapes share every axis but the last: logits `[..., K]`, `keep` a boolean or
 * 0/1 float broadcastable to it, `mix(weights [..., K])` → `[..., dv]`.
 */
export interface KeySource {
  logits: tf.Tensor;
  keep: tf.Tensor;
  mix: (weights: tf.Tensor) => tf.Tensor;
}

export interface SoftmaxOptions {
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/** Options every pattern op takes besides its pattern: the softmax's, the logit scale and the key padding. */
export interface PatternOptions extends SoftmaxOptions {
  /** Logit scale; default 1/√headDim. */
  scale?: number;
  /** `[batch, tokens]`, 1 = real key, 0 = padding. */
  keyPaddingMask?: tf.Tensor2D;
}

/**
 * softmax over the union of the sources' keys — ONE normalisation per query,
 * as in the papers (Longformer §3.1, BigBird Eq. 1, Sparse Transformer Eq. 2:
 * a query's attention is a softmax over its whole connectivity set S_i):
 * out_i = Σ_s Σ_{j ∈ S_i^s} softmax_j(l_ij) v_j. Keys a source repeats from
 * another must already be masked out of `keep` so each key counts once.
 * Memory is the sum of the sources' sizes, O(N·|S_i|).
 */
export function attendOverSources(sources: KeySource[], options: SoftmaxOptions = {}): tf.Tensor {
  // Normalised together without concatenating: each source keeps its own (broadcast) keep.
  let parts = maskedSoftmaxParts(sources.map((s) => s.logits), sources.map((s) => s.keep));
  const rate = options.dropout ?? 0;
  if (options.training && rate > 0) {
    parts = parts.map((w, i) => tf.dropout(w, rate, undefined, options.seed === undefined ? undefined : options.seed + i));
  }
  return sources.map((s, i) => s.mix(parts[i]!)).reduce((a, b) => tf.add(a, b));
}
