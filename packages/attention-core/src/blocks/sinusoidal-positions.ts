import * as tf from '@tensorflow/tfjs-core';

/**
 * Sinusoidal position encodings of positions start … start + count − 1, `[count, dim]`
 * (Vaswani et al. 2017, §3.5): PE(t, 2i) = sin(t / 10000^(2i/d)), PE(t, 2i+1) = cos(…).
 * Computed, not learned, so a decoder can step to any position one token at a time.
 */
export function sinusoidalPositions(start: number, count: number, dim: number): tf.Tensor2D {
  return tf.tidy(() => sinusoidalAt(tf.range(start, start + count, 1, 'float32'), dim) as tf.Tensor2D);
}

/**
 * The same encoding at given positions, any shape `[...]` → `[..., dim]`: per-sample
 * positions, e.g. a left-padded sequence whose first real token is position 0.
 */
export function sinusoidalAt(positions: tf.Tensor, dim: number): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.expandDims(tf.cast(positions, 'float32'), -1); // [..., 1]
    const i = tf.range(0, dim, 1, 'float32');
    const pair = tf.floor(tf.div(i, 2)); // i // 2
    const freq = tf.exp(tf.mul(pair, (-2 * Math.log(10000)) / dim)); // 10000^(-2i/d)
    const angle = tf.mul(t, freq); // [..., dim]
    const even = tf.equal(tf.mod(i, 2), 0);
    return tf.where(even, tf.sin(angle), tf.cos(angle));
  });
}
