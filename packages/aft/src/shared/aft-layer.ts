import * as tf from '@tensorflow/tfjs-core';
import { AttentionLayer, type MixContext } from '@attention-zoo/attention-core';
import { causalKeep } from '@attention-zoo/attention-core/ops';
import { impliedAttention } from './implied-attention.js';

/**
 * Padding out of both sums of Eq. 2 (and of Eq. 4, 5): K_t' = −10³⁰ at a padded key, so
 * exp(K_t' − max K) is exactly 0 in the numerator and the denominator alike; every AFT op
 * shifts K by its maximum over real keys first, so nothing else changes. k `[B, T, C]`,
 * mask `[B, T]` (1 = real key).
 */
function dropMaskedKeys(k: tf.Tensor3D, mask: tf.Tensor2D | undefined): tf.Tensor3D {
  if (!mask) return k;
  const keep = tf.expandDims(tf.cast(mask, 'bool'), 2); // [B, T, 1]
  return tf.where(keep, k, tf.fill(k.shape, -1e30)) as tf.Tensor3D;
}

/**
 * What the AFT layers share: Q, K, V linear projections of x (AFT has no q·k
 * product, so no head split for full/simple/local: each channel mixes on its own),
 * the AFT op on `[batch, tokens, dim]`, dropout on the mixed values (AFT has no
 * attention matrix to drop), `attentionMap` from the implied attention, and for
 * the forms that decode token by token, the projections of one token (`aftStep`).
 */
export abstract class AftLayer extends AttentionLayer {
  /** The variant's op on the projections q, k, v `[batch, T, dim]` → `[batch, T, dim]`. */
  protected abstract aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D;

  /** Effective biases `[1 | heads, T, T]` for `attentionMap` (before the causal mask). Dense: small T only. */
  protected abstract impliedBias(tokens: number): tf.Tensor3D;

  /**
   * One causal token of the AFT op: q, k, v `[batch, 1, dim]` at `position` and the state →
   * the mixed token and the next state (forms with `incremental`).
   */
  protected aftStep(
    _q: tf.Tensor3D,
    _k: tf.Tensor3D,
    _v: tf.Tensor3D,
    _state: Readonly<Record<string, tf.Tensor>>,
    _position: number,
  ): { mixed: tf.Tensor3D; tensors: Record<string, tf.Tensor> } {
    throw new Error(`${this.who}: this AFT form has no incremental step`);
  }

  protected override stepTokens(x: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>, position: number) {
    return this.aftStep(this.project('q', x), this.project('k', x), this.project('v', x), state, position);
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const y = this.aft(this.project('q', x), dropMaskedKeys(this.project('k', x), ctx.keyPaddingMask), this.project('v', x));
    return ctx.training && this.dropout > 0 ? (tf.dropout(y, this.dropout, undefined, ctx.seed) as tf.Tensor3D) : y;
  }

  /**
   * The implied attention (Eq. 3) averaged over each head's channels (AFT-full/simple/local
   * have no heads of their own: `numHeads` only groups channels for display). Approximate
   * in the kit's sense: the output also carries the σ(Q) gate and per-channel weights.
   */
  protected override computeAttentionMap(x: tf.Tensor3D, _context: tf.Tensor3D, _ctx: MixContext): tf.Tensor4D {
    const t = x.shape[1];
    let w: tf.Tensor3D = this.impliedBias(t);
    if (this.causal) {
      const keep = tf.tile(tf.reshape(causalKeep(t, t), [1, t, t]), [w.shape[0], 1, 1]);
      w = tf.where(keep, w, tf.fill(w.shape, -1e30)) as tf.Tensor3D;
    }
    return impliedAttention(this.project('k', x), w, this.numHeads);
  }
}
