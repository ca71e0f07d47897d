import * as tf from '@tensorflow/tfjs-core';
import { maskedSoftmax } from '@attention-zoo/attention-core';

/**
 * One set of keys a query block looks at (its window, the global tokens, the
 * random blocks, a strided column, …), already multiplied out to logits.
 * Shapes share every axis but the last: logits `[..., K]`, `keep` a boolean
 * broadcastable to it, `mix(weights [..., K])` → `[..., dv]`.
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

/**
 * softmax over the union of the sources' keys — ONE normalisation per query,
 * as in the papers (Longformer §3.1, BigBird Eq. 1, Sparse Transformer Eq. 2:
 * a query's attention is a softmax over its whole connectivity set S_i):
 * out_i = Σ_s Σ_{j ∈ S_i^s} softmax_j(l_ij) v_j. Keys a source repeats from
 * another must already be masked out of `keep` so each key counts once.
 * Memory is the sum of the sources' sizes, O(N·|S_i|).
 */
export function attendOverSources(sources: KeySource[], options: SoftmaxOptions = {}): tf.Tensor {
  const lead = sources[0]!.logits.shape.slice(0, -1);
  const sizes = sources.map((s) => s.logits.shape[s.logits.rank - 1]!);
  const logits = sources.length === 1 ? sources[0]!.logits : tf.concat(sources.map((s) => s.logits), -1);
  // Each keep is broadcast to the smallest shape all of them fit, so the concatenation lines up.
  const keepShape = lead.map((_, axis) => Math.max(...sources.map((s) => padRank(s.keep.shape, lead.length + 1)[axis]!)));
  const keeps = sources.map((s, i) => tf.broadcastTo(s.keep, [...keepShape, sizes[i]!]));
  const keep = keeps.length === 1 ? keeps[0]! : tf.concat(keeps, -1);
  let w = maskedSoftmax(logits, keep); // [..., ΣK]
  const rate = options.dropout ?? 0;
  if (options.training && rate > 0) w = tf.dropout(w, rate, undefined, options.seed);
  const parts = sources.length === 1 ? [w] : tf.split(w, sizes, -1);
  return sources.map((s, i) => s.mix(parts[i]!)).reduce((a, b) => tf.add(a, b));
}

function padRank(shape: number[], rank: number): number[] {
  return [...Array<number>(rank - shape.length).fill(1), ...shape];
}
