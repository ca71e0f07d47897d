import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { keyPaddingReal, maskedSoftmax, patchConv2d, scaledDotProductAttention } from '@attention-zoo/attention-core/ops';

export interface StridedConvWeights {
  /** Conv1d kernel `[c, C, C]` (tfjs `[width, in, out]`; PyTorch `Conv1d.weight` `[out, in, c]` permuted (2, 1, 0)), stride c. */
  kernel: tf.Tensor3D;
  bias?: tf.Tensor1D;
}

/**
 * Memory compression (Liu et al. 2018, §4.2.3): a strided convolution of kernel
 * and stride c over the sequence, M tokens → ⌈M/c⌉. The sequence is zero-padded
 * at the end to a multiple of c, so every token lands in one block and block j
 * holds tokens [j·c, j·c + c). x `[batch, M, C]` → `[batch, ⌈M/c⌉, C]`.
 */
export function compressSequence(x: tf.Tensor3D, weights: StridedConvWeights): tf.Tensor3D {
  if (x.rank !== 3) throw new AttentionInputError(`compressSequence: x must be [batch, tokens, channels], got [${x.shape}]`);
  const c = weights.kernel.shape[0];
  const m = x.shape[1];
  if (c > m) {
    throw new AttentionInputError(`compressSequence: compression factor (stride) ${c} is larger than the sequence (${m} tokens): no complete block to compress`);
  }
  return tf.tidy(() => {
    const pad = (c - (m % c)) % c;
    const padded = pad > 0 ? tf.pad(x, [[0, 0], [0, pad], [0, 0]]) : x;
    // conv1d with stride = kernel = c, as a [1, c] patch conv (differentiable on every backend).
    const [b, mp, cin] = padded.shape;
    const cout = weights.kernel.shape[2];
    const img = tf.reshape(padded, [b, 1, mp, cin]) as tf.Tensor4D;
    let y: tf.Tensor = tf.reshape(patchConv2d(img, tf.reshape(weights.kernel, [1, c, cin, cout]) as tf.Tensor4D), [b, mp / c, cout]); // [B, ⌈M/c⌉, C]
    if (weights.bias) y = tf.add(y, weights.bias);
    return y as tf.Tensor3D;
  });
}

/**
 * The causal rule for compressed memory (Mesh-TensorFlow's
 * `multihead_self_attention_memory_compressed`): query t may use block j only when
 * the block is complete by t, j·c + c − 1 ≤ t — a block holding any later token
 * would leak it. `[N, ⌈N/c⌉]` boolean, 1 = visible.
 */
export function compressedCausalKeep(queries: number, blocks: number, c: number): tf.Tensor2D {
  const keep = new Uint8Array(queries * blocks);
  for (let t = 0; t < queries; t++) for (let j = 0; j < blocks; j++) keep[t * blocks + j] = j * c + c - 1 <= t ? 1 : 0;
  return tf.tensor2d(keep, [queries, blocks], 'bool');
}

/**
 * The block mask of a key-padding mask `[batch, M]` (1 = real key): block j is real when
 * any of its c tokens is, `[batch, ⌈M/c⌉]`. With the padded keys zeroed before
 * `compressSequence`, a block mixes only real tokens (and the zeros the op pads with anyway),
 * so a padded sequence compresses as it would alone.
 */
export function compressedKeyMask(mask: tf.Tensor2D, c: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, m] = mask.shape;
    const pad = (c - (m % c)) % c;
    const padded = tf.pad(keyPaddingReal(mask), [[0, 0], [0, pad]]); // [B, ⌈M/c⌉·c]
    const anyReal = tf.greater(tf.max(tf.reshape(padded, [b, (m + pad) / c, c]), 2), 0); // [B, ⌈M/c⌉]
    // 0/1 by construction, and marked so: the attention op then does not read its values back
    // (a deferred read per call on webgpu).
    return keyPaddingReal(anyReal as tf.Tensor2D);
  });
}

export interface MemoryCompressedOptions {
  /** Compression factor c (the conv's stride), for the causal rule. */
  compressionFactor: number;
  causal?: boolean;
  /** `[batch, ⌈M/c⌉]` block mask (`compressedKeyMask`), 1 = a block with real keys. */
  keyPaddingMask?: tf.Tensor2D;
  scale?: number;
  dropout?: number;
  training?: boolean;
  seed?: number;
}

/**
 * Memory-compressed attention on compressed keys and values (Liu et al. 2018):
 * softmax(Q K̃ᵀ/√d) Ṽ with K̃, Ṽ `[batch, heads, ⌈M/c⌉, d]` from `compressSequence`,
 * q `[batch, heads, N, d]`. Cost O(N·M/c·d). Causal: query t sees only
 * complete blocks (`compressedCausalKeep`); the first c − 1 queries see none
 * and get zeros. A block mask (`keyPaddingMask`) drops blocks of padding only.
 */
export function memoryCompressedAttention(q: tf.Tensor4D, kc: tf.Tensor4D, vc: tf.Tensor4D, options: MemoryCompressedOptions): tf.Tensor4D {
  const { causal = false, compressionFactor: c } = options;
  if (!causal) return scaledDotProductAttention(q, kc, vc, options);
  return tf.tidy(() => {
    const [, , n, d] = q.shape;
    const [b, blocks] = [q.shape[0], kc.shape[2]];
    const causalKeep = compressedCausalKeep(n, blocks, c); // [N, blocks]
    const keep = options.keyPaddingMask
      ? tf.logicalAnd(causalKeep, tf.reshape(tf.cast(options.keyPaddingMask, 'bool'), [b, 1, 1, blocks])) // [B, 1, N, blocks]
      : causalKeep;
    const logits = tf.mul(tf.matMul(q, kc, false, true), options.scale ?? 1 / Math.sqrt(d)); // [B, H, N, blocks]
    let a = maskedSoftmax(logits, keep) as tf.Tensor4D; // rows with no visible block are zeros
    if (options.training && (options.dropout ?? 0) > 0) a = tf.dropout(a, options.dropout!, undefined, options.seed) as tf.Tensor4D;
    return tf.matMul(a, vc) as tf.Tensor4D; // [B, H, N, d]
  });
}
