import * as tf from '@tensorflow/tfjs-core';
import { causalKeep, checkKeyPaddingMask, combineKeep, keyPaddingKeep } from '../ops/masks.js';
import { checkQKV } from '../ops/shapes.js';
import { maskedSoftmax } from '../ops/stable.js';
import { headMatMul, loopsOverHeads, matMul2d } from '../ops/matmul.js';

export interface ScaledDotProductOptions {
  /** Logit scale; default 1/√headDim. */
  scale?: number;
  /** Query i attends to keys j ≤ i (top-left aligned when queries ≠ keys). */
  causal?: boolean;
  /** `[batch, keys]`: 1 (or true) for a real key, 0 for padding that no query may attend to. */
  keyPaddingMask?: tf.Tensor2D;
  /** Dropout rate on the attention weights, applied only when `training` is true. */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/**
 * Attention weights A = softmax(q kᵀ · scale + mask), `[batch, heads, queries, keys]`
 * (Vaswani et al. 2017, Eq. 1). A query row whose keys are all masked is all zeros.
 */
export function softmaxAttentionWeights(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  options: Omit<ScaledDotProductOptions, 'dropout' | 'training' | 'seed'> = {},
): tf.Tensor4D {
  const { batch, queries, keys, dk } = checkQKV(q, k, k, 'softmaxAttentionWeights');
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'softmaxAttentionWeights');
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const logits = tf.mul(headMatMul(q, k, { transposeB: true }), scale); // [B, H, N, M]
    const keep = combineKeep(
      options.causal ? causalKeep(queries, keys) : undefined,
      options.keyPaddingMask ? keyPaddingKeep(options.keyPaddingMask) : undefined,
    );
    return maskedSoftmax(logits, keep) as tf.Tensor4D;
  });
}

/**
 * Scaled dot-product attention, softmax(q kᵀ/√d + mask) v — Vaswani et al. 2017, Eq. 1.
 * q `[batch, heads, queries, dk]`, k `[batch, heads, keys, dk]`, v `[batch, heads, keys, dv]`
 * → `[batch, heads, queries, dv]`. Keys may differ from queries (cross-attention).
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  options: ScaledDotProductOptions = {},
): tf.Tensor4D {
  checkQKV(q, k, v, 'scaledDotProductAttention');
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`scaledDotProductAttention: dropout must be in [0, 1), got ${rate}`);
  if (loopsOverHeads()) return attentionPerHead(q, k, v, options);
  return tf.tidy(() => {
    let a: tf.Tensor4D = softmaxAttentionWeights(q, k, options); // [B, H, N, M]
    if (options.training && rate > 0) a = tf.dropout(a, rate, undefined, options.seed) as tf.Tensor4D;
    return headMatMul(a, v) as tf.Tensor4D; // [B, H, N, dv]
  });
}

/**
 * The same attention, one (batch, head) at a time with plain 2-D products — the
 * fast form on wasm (see `headMatMul`) — and with the scale applied to q (N·d)
 * rather than to the logits (N·M). No `[B, H, N, M]` tensor is ever
 * concatenated or sliced, so training keeps about one N×M matrix per head (the
 * softmax output) instead of several copies of all of them: at N = 2,048 the
 * batched form peaked at 1.7 GiB and at N = 4,096 ran out of wasm memory.
 */
function attentionPerHead(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: ScaledDotProductOptions): tf.Tensor4D {
  const [batch, heads, queries, dk] = q.shape;
  const [keys, dv] = [k.shape[2], v.shape[3]];
  if (options.keyPaddingMask) checkKeyPaddingMask(options.keyPaddingMask, batch, keys, 'scaledDotProductAttention');
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  const rate = options.dropout ?? 0;
  return tf.tidy(() => {
    // 0/1 float masks, combined per head by multiplication (a broadcasting logicalAnd is slow on wasm).
    const causal = options.causal ? tf.cast(causalKeep(queries, keys), 'float32') : undefined; // [N, M]
    const real = options.keyPaddingMask ? tf.cast(tf.notEqual(options.keyPaddingMask, 0), 'float32') : undefined; // [B, M]
    const keepOf = (b: number): tf.Tensor | undefined => {
      const row = real && tf.slice(real, [b, 0], [1, keys]); // [1, M]
      return causal && row ? tf.mul(causal, row) : (causal ?? row);
    };
    const head = (t: tf.Tensor4D, b: number, h: number) => {
      const [, , r, c] = t.shape;
      return tf.reshape(tf.slice(t, [b, h, 0, 0], [1, 1, r, c]), [r, c]) as tf.Tensor2D;
    };
    const qs = tf.mul(q, scale) as tf.Tensor4D;
    const outs: tf.Tensor[] = [];
    for (let b = 0; b < batch; b++) {
      const keep = keepOf(b);
      for (let h = 0; h < heads; h++) {
        // Its own tidy: a forward pass frees each head's N×M intermediates before the
        // next head (under a gradient tape tfjs keeps what the backward pass needs).
        outs.push(tf.tidy(() => {
          const logits = matMul2d(head(qs, b, h), tf.transpose(head(k, b, h))); // [N, M]
          let a = maskedSoftmax(logits, keep);
          if (options.training && rate > 0) a = tf.dropout(a, rate, undefined, options.seed === undefined ? undefined : options.seed + b * heads + h);
          return tf.reshape(matMul2d(a as tf.Tensor2D, head(v, b, h)), [1, queries, dv]);
        }));
      }
    }
    return tf.reshape(outs.length === 1 ? outs[0]! : tf.concat(outs, 0), [batch, heads, queries, dv]) as tf.Tensor4D;
  });
}
