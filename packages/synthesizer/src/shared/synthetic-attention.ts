import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { causalKeep, combineKeep, keyPaddingKeep, maskedSoftmax } from '@attention-zoo/attention-core/ops';

export interface SyntheticAttentionOptions {
  /** Query i mixes only values j ≤ i: the synthetic logits above the diagonal are masked. */
  causal?: boolean;
  /** `[batch, keys]`, 1 = real key, 0 = padding that no query may attend to. */
  keyPaddingMask?: tf.Tensor2D;
  /** Dropout on the attention weights, applied only when `training`. */
  dropout?: number;
  training?: boolean;
  seed?: number;
}

function checkLogits(logits: tf.Tensor, what: string): void {
  if (logits.rank !== 4) {
    throw new AttentionInputError(`${what}: logits must be [batch|1, heads, queries, keys], got shape [${logits.shape}]`);
  }
}

/**
 * A = softmax(B + mask) over the keys, for synthetic logits B `[batch|1, heads, N, M]`
 * (Tay et al. 2021, Eq. 2 with the causal / padding mask applied to B). A row
 * whose keys are all masked is zeros.
 */
export function syntheticAttentionWeights(logits: tf.Tensor4D, options: Omit<SyntheticAttentionOptions, 'dropout' | 'training' | 'seed'> = {}): tf.Tensor4D {
  checkLogits(logits, 'syntheticAttentionWeights');
  const [, , n, m] = logits.shape;
  return tf.tidy(() => {
    const keep = combineKeep(
      options.causal ? causalKeep(n, m) : undefined,
      options.keyPaddingMask ? keyPaddingKeep(options.keyPaddingMask) : undefined,
    );
    return maskedSoftmax(logits, keep) as tf.Tensor4D;
  });
}

/**
 * Synthesizer attention, Y = softmax(B) · G(X) (Tay et al. 2021, Eq. 2): the
 * logits B `[batch|1, heads, N, M]` are synthesized — from each token alone
 * (Dense) or not from the input at all (Random) — instead of Q·Kᵀ. v is
 * `[batch, heads, M, dv]` → `[batch, heads, N, dv]`. Input-independent logits
 * (batch 1) are shared by the whole batch.
 */
export function syntheticAttention(logits: tf.Tensor4D, v: tf.Tensor4D, options: SyntheticAttentionOptions = {}): tf.Tensor4D {
  checkLogits(logits, 'syntheticAttention');
  if (v.rank !== 4) throw new AttentionInputError(`syntheticAttention: v must be [batch, heads, keys, dv], got shape [${v.shape}]`);
  const [lb, lh, , m] = logits.shape;
  const [b, h, mv] = v.shape;
  if (lh !== h || mv !== m || (lb !== 1 && lb !== b)) {
    throw new AttentionInputError(`syntheticAttention: logits [${logits.shape}] do not fit v [${v.shape}]: need [${b} or 1, ${h}, queries, ${mv}]`);
  }
  const mask = options.keyPaddingMask;
  if (mask && (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== m)) {
    throw new AttentionInputError(`syntheticAttention: keyPaddingMask must be [batch, keys] = [${b}, ${m}] (1 = real key, 0 = padding), got [${mask.shape}]`);
  }
  const rate = options.dropout ?? 0;
  return tf.tidy(() => {
    let a = syntheticAttentionWeights(logits, options); // [B|1, H, N, M]
    // Tiled, not broadcast: tfjs's BatchMatMul gradient does not reduce broadcast batch dims.
    if (a.shape[0] !== b) a = tf.tile(a, [b, 1, 1, 1]);
    if (options.training && rate > 0) a = tf.dropout(a, rate, undefined, options.seed) as tf.Tensor4D;
    return tf.matMul(a, v) as tf.Tensor4D; // [B, H, N, dv]
  });
}
