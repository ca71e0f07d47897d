import * as tf from '@tensorflow/tfjs-core';
import { causalKeep, combineKeep, keyPaddingKeep } from '../../ops/masks.js';
import { headMatMul, loopsOverHeads, matMul2d } from '../../ops/matmul.js';
import { maskedSoftmax } from '../../ops/stable.js';

export interface SoftmaxAttentionKernelOptions {
  /** Logit scale. */
  scale: number;
  /** Query i attends to keys j ≤ i (top-left aligned when queries ≠ keys). */
  causal?: boolean;
  /** Band radius w: only keys with |i − j| ≤ w (causal: 0 ≤ i − j ≤ w); needs queries = keys. */
  window?: number;
  /** `[batch, keys]`: 1 (or true) for a real key, 0 for padding. */
  keyPaddingMask?: tf.Tensor2D;
  /** Dropout rate on the attention weights when `training` (stock chain only: the kernels have no dropout). */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/** A = softmax(q kᵀ · scale + mask), `[B, H, N, M]`, by stock ops (Vaswani et al. 2017, Eq. 1). */
export function softmaxWeightsReference(q: tf.Tensor4D, k: tf.Tensor4D, o: Pick<SoftmaxAttentionKernelOptions, 'scale' | 'causal' | 'keyPaddingMask'>): tf.Tensor4D {
  return tf.tidy(() => {
    const logits = tf.mul(headMatMul(q, k, { transposeB: true }), o.scale); // [B, H, N, M]
    const keep = combineKeep(
      o.causal ? causalKeep(q.shape[2], k.shape[2]) : undefined,
      o.keyPaddingMask ? keyPaddingKeep(o.keyPaddingMask) : undefined,
    );
    return maskedSoftmax(logits, keep) as tf.Tensor4D;
  });
}

/**
 * Softmax attention as stock ops, the fallback and reference of the tiled kernel: every key
 * (`window` unset) as the whole N×M weights (one head at a time on wasm), or the band by blocks.
 */
export function softmaxAttentionReference(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: SoftmaxAttentionKernelOptions): tf.Tensor4D {
  if (o.window !== undefined && o.window >= 0) return bandedReference(q, k, v, o);
  if (loopsOverHeads()) return attentionPerHead(q, k, v, o);
  const rate = o.dropout ?? 0;
  return tf.tidy(() => {
    let a: tf.Tensor4D = softmaxWeightsReference(q, k, o); // [B, H, N, M]
    if (o.training && rate > 0) a = tf.dropout(a, rate, undefined, o.seed) as tf.Tensor4D;
    return headMatMul(a, v) as tf.Tensor4D; // [B, H, N, dv]
  });
}

/**
 * The same attention, one (batch, head) at a time with plain 2-D products — the
 * fast stock form on wasm (see `headMatMul`) — and with the scale applied to q (N·d)
 * rather than to the logits (N·M). No `[B, H, N, M]` tensor is ever
 * concatenated or sliced, so training keeps about one N×M matrix per head (the
 * softmax output) instead of several copies of all of them: at N = 2,048 the
 * batched form peaked at 1.7 GiB and at N = 4,096 ran out of wasm memory.
 */
function attentionPerHead(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: SoftmaxAttentionKernelOptions): tf.Tensor4D {
  const [batch, heads, queries] = q.shape;
  const [keys, dv] = [k.shape[2], v.shape[3]];
  const rate = o.dropout ?? 0;
  return tf.tidy(() => {
    // 0/1 float masks, combined per head by multiplication (a broadcasting logicalAnd is slow on wasm).
    const causal = o.causal ? tf.cast(causalKeep(queries, keys), 'float32') : undefined; // [N, M]
    const real = o.keyPaddingMask ? tf.cast(tf.notEqual(o.keyPaddingMask, 0), 'float32') : undefined; // [B, M]
    const keepOf = (b: number): tf.Tensor | undefined => {
      const row = real && tf.slice(real, [b, 0], [1, keys]); // [1, M]
      return causal && row ? tf.mul(causal, row) : (causal ?? row);
    };
    const head = (t: tf.Tensor4D, b: number, h: number) => {
      const [, , r, c] = t.shape;
      return tf.reshape(tf.slice(t, [b, h, 0, 0], [1, 1, r, c]), [r, c]) as tf.Tensor2D;
    };
    const qs = tf.mul(q, o.scale) as tf.Tensor4D;
    const outs: tf.Tensor[] = [];
    for (let b = 0; b < batch; b++) {
      const keep = keepOf(b);
      for (let h = 0; h < heads; h++) {
        // Its own tidy: a forward pass frees each head's N×M intermediates before the
        // next head (under a gradient tape tfjs keeps what the backward pass needs).
        outs.push(tf.tidy(() => {
          const logits = matMul2d(head(qs, b, h), tf.transpose(head(k, b, h))); // [N, M]
          let a = maskedSoftmax(logits, keep);
          if (o.training && rate > 0) a = tf.dropout(a, rate, undefined, o.seed === undefined ? undefined : o.seed + b * heads + h);
          return tf.reshape(matMul2d(a as tf.Tensor2D, head(v, b, h)), [1, queries, dv]);
        }));
      }
    }
    return tf.reshape(outs.length === 1 ? outs[0]! : tf.concat(outs, 0), [batch, heads, queries, dv]) as tf.Tensor4D;
  });
}

/**
 * Banded attention by blocks of c = max(w, 1) tokens: query block t sees key blocks t−1, t, t+1
 * (causal: t−1, t), so every key of the band is present; the exact band is a fixed [c, m·c]
 * pattern (Longformer's `sliding_chunks_matmul`). O(N·w) time and memory, never N×N.
 */
function bandedReference(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: SoftmaxAttentionKernelOptions): tf.Tensor4D {
  const [b, h, n, d] = q.shape;
  const dv = v.shape[3];
  // A band wider than the sequence covers it all: blocks of max(N, M) − 1 at most, never O(N·w).
  const w = Math.min(o.window!, Math.max(n, k.shape[2], 1) - 1);
  const c = Math.max(w, 1);
  const nb = Math.ceil(n / c);
  const before = 1;
  const after = o.causal ? 0 : 1;
  const span = (before + 1 + after) * c;
  return tf.tidy(() => {
    const bh = b * h;
    // [B, H, N, X] → [BH, nb + 2, c, X]: padded to whole blocks, one empty block at each end.
    const blocks = (x: tf.Tensor4D) => {
      const x3 = tf.reshape(x, [bh, n, x.shape[3]]);
      return tf.reshape(tf.pad(x3, [[0, 0], [c, nb * c - n + c], [0, 0]]), [bh, nb + 2, c, x.shape[3]]);
    };
    const neighbours = (x: tf.Tensor4D) => {
      const p = blocks(x);
      const shifted = [];
      for (let s = 1 - before; s <= 1 + after; s++) shifted.push(tf.slice(p, [0, s, 0, 0], [bh, nb, c, x.shape[3]]));
      return tf.concat(shifted, 2); // [BH, nb, span, X]
    };
    const qb = tf.slice(blocks(tf.mul(q, o.scale) as tf.Tensor4D), [0, 1, 0, 0], [bh, nb, c, d]); // [BH, nb, c, d]
    const logits = tf.matMul(qb, neighbours(k), false, true); // [BH, nb, c, span]
    const band = new Float32Array(c * span);
    for (let a = 0; a < c; a++) {
      for (let s = 0; s < span; s++) {
        const rel = s - before * c - a; // j − i
        band[a * span + s] = (o.causal ? rel <= 0 && rel >= -w : Math.abs(rel) <= w) ? 1 : 0;
      }
    }
    // Real keys: inside [0, N) and not padding.
    const real = tf.ones([b, n]);
    const padded = o.keyPaddingMask ? tf.mul(real, tf.cast(tf.notEqual(o.keyPaddingMask, 0), 'float32')) : real;
    const perHead = tf.reshape(tf.tile(tf.reshape(padded, [b, 1, n, 1]), [1, h, 1, 1]), [b, h, n, 1]) as tf.Tensor4D;
    const realKeys = tf.reshape(neighbours(perHead), [bh, nb, 1, span]);
    const keep = tf.mul(tf.tensor4d(band, [1, 1, c, span]), realKeys);
    const out = tf.matMul(maskedSoftmax(logits, keep), neighbours(v)); // [BH, nb, c, dv]
    return tf.reshape(tf.slice(tf.reshape(out, [bh, nb * c, dv]), [0, 0, 0], [bh, n, dv]), [b, h, n, dv]) as tf.Tensor4D;
  });
}
