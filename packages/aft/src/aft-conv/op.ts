import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { depthwiseConv2dSame, shiftedExp } from '@attention-zoo/attention-core/ops';
import { gatedRatio } from '../shared/gated-ratio.js';

export interface AftConvOptions {
  /** `[height, width]` of the token grid; tokens are row-major (index = y·width + x). */
  grid: [number, number];
}

const show = (t: tf.Tensor) => `[${t.shape.join(', ')}]`;

/** Throws unless s is odd (centred 'same' padding s//2, as the paper's kernels) and every kernel entry can reach a token. */
export function checkKernelSize(s: number, grid: [number, number], who: string): void {
  if (!Number.isInteger(s) || s < 1 || s % 2 === 0) {
    throw new AttentionConfigError(`${who}: kernelSize must be an odd positive integer (centred s×s kernel, padding s//2), got ${JSON.stringify(s)}`);
  }
  const [gh, gw] = grid;
  if ((s - 1) / 2 > Math.min(gh, gw) - 1) {
    throw new AttentionConfigError(
      `${who}: kernelSize ${s} is larger than the grid [${gh}, ${gw}] allows: offsets up to ±${(s - 1) / 2} but tokens are at most ` +
        `${Math.min(gh, gw) - 1} apart, so some kernel entries would never be used (largest useful kernelSize: ${2 * Math.min(gh, gw) - 1})`,
    );
  }
}

/**
 * AFT-conv (Zhai et al. 2021, Eq. 6) on the 2-D token grid, head i:
 *
 *   Y^i = σ(Q^i) ⊙ [conv(exp(K^i) ⊙ V^i, exp(w^i) − 1) + Σ_t' exp(K^i_t') ⊙ V^i_t']
 *                  / [conv(exp(K^i), exp(w^i) − 1) + Σ_t' exp(K^i_t')]
 *
 * q, v `[batch, heads, T, headDim]`; k `[batch, heads, T, 1]` (the paper's one key per
 * head) or `[batch, heads, T, headDim]` (a key per channel); w `[heads, s, s]`, head i's
 * kernel w^i, shared by the head's channels. conv is a depthwise cross-correlation,
 * stride 1, zero padding s//2: AFT-local on the grid with w_{t,t'} = w^i at offset t' − t
 * inside the s×s window and 0 outside, plus the global term. Memory O(T·C), time
 * O(T·s²·C); never T×T. Stable: exp(K − max_t K) per head and channel, and per head a
 * shift a_i = max(0, max w^i) applied to both terms.
 */
export function aftConv(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, w: tf.Tensor3D, options: AftConvOptions): tf.Tensor4D {
  const layout = 'q, v [batch, heads, tokens, headDim], k [batch, heads, tokens, 1 | headDim]';
  if (q.rank !== 4 || v.shape.join() !== q.shape.join() || k.rank !== 4) {
    throw new AttentionInputError(`aftConv: expected ${layout}; got q ${show(q)}, k ${show(k)}, v ${show(v)}`);
  }
  const [b, h, t, dh] = q.shape;
  const kc = k.shape[3];
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[2] !== t || (kc !== 1 && kc !== dh)) {
    throw new AttentionInputError(`aftConv: expected ${layout}; got q ${show(q)}, k ${show(k)}`);
  }
  const grid = options?.grid;
  if (!Array.isArray(grid) || grid.length !== 2 || grid[0] * grid[1] !== t) {
    throw new AttentionInputError(`aftConv: grid [height, width] with height·width = ${t} tokens is required, got ${JSON.stringify(grid)}`);
  }
  const s = w.shape[1];
  if (w.rank !== 3 || w.shape[0] !== h || w.shape[2] !== s) {
    throw new AttentionInputError(`aftConv: w must be [heads=${h}, s, s], got ${show(w)}`);
  }
  checkKernelSize(s, grid, 'aftConv');
  const [gh, gw] = grid;
  return tf.tidy(() => {
    // exp(w^i − a_i) − exp(−a_i) and exp(−a_i), a_i = max(0, max w^i): one more column of zeros.
    const e = shiftedExp(tf.concat([tf.reshape(w, [h, s * s]), tf.zeros([h, 1])], 1), 1).exp; // [h, s² + 1]
    const global = tf.reshape(tf.slice(e, [0, s * s], [h, 1]), [1, h, 1, 1]); // exp(−a_i)
    const kernel = tf.sub(tf.slice(e, [0, 0], [h, s * s]), tf.slice(e, [0, s * s], [h, 1])); // [h, s²]
    // Depthwise filters, head-major channels (i·width + c): each head's kernel repeated over its channels.
    const perHead = tf.reshape(tf.transpose(tf.reshape(kernel, [h, s, s]), [1, 2, 0]), [s, s, h, 1]); // [s, s, h, 1]
    const repeat = (n: number) => tf.reshape(tf.tile(perHead, [1, 1, 1, n]), [s, s, h * n, 1]);
    const filter = tf.concat([repeat(dh), repeat(kc)], 2) as tf.Tensor4D; // [s, s, h·(dh + kc), 1]

    const ek = shiftedExp(k, 2).exp; // exp(K − max_t K): [B, h, T, kc]
    const x = tf.concat([tf.mul(ek, v), ek], 3); // [B, h, T, dh + kc]
    const nhwc = (y: tf.Tensor, n: number) => tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [b, gh, gw, h * n]); // head-major
    const grids = tf.concat([nhwc(tf.slice(x, [0, 0, 0, 0], [b, h, t, dh]), dh), nhwc(tf.slice(x, [0, 0, 0, dh], [b, h, t, kc]), kc)], 3);
    const local = depthwiseConv2dSame(grids as tf.Tensor4D, filter); // [B, gh, gw, h·(dh + kc)]
    const back = (y: tf.Tensor, n: number) => tf.transpose(tf.reshape(y, [b, t, h, n]), [0, 2, 1, 3]); // [B, h, T, n]
    const localNum = back(tf.slice(local, [0, 0, 0, 0], [b, gh, gw, h * dh]), dh);
    const localDen = back(tf.slice(local, [0, 0, 0, h * dh], [b, gh, gw, h * kc]), kc);
    const numDen = tf.add(tf.mul(tf.sum(x, 2, true), global), tf.concat([localNum, localDen], 3)); // [B, h, T, dh + kc]
    return gatedRatio(q, numDen, dh) as tf.Tensor4D;
  });
}
