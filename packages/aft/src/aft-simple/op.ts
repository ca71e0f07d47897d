import type * as tf from '@tensorflow/tfjs-core';
import { aftSimpleKernel } from '@attention-zoo/attention-core/kernels';
import { checkTokensChannels } from '../shared/shapes.js';

export interface AftSimpleOptions {
  /** Autoregressive: the sums run over t' ≤ t only. */
  causal?: boolean;
}

/**
 * AFT-simple (Zhai et al. 2021, Eq. 5): AFT without position biases (w = 0),
 *
 *   Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K)_t' ⊙ V_t'
 *
 * with the softmax over time, per channel. q, k, v `[..., T, C]`. Non-causal:
 * one context vector per channel, O(T·C) time and memory. Causal: prefix sums
 * over t' ≤ t rebased on the running maximum of K, so no position underflows
 * (`runningMaxScan`). Never T×T. Core's fused kernel (one memory pass per
 * quantity, with its gradient) on wasm and webgpu, its stock chain elsewhere.
 */
export function aftSimple(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, options: AftSimpleOptions = {}): tf.Tensor {
  checkTokensChannels(q, k, v, 'aftSimple');
  return aftSimpleKernel(q, k, v, options);
}
