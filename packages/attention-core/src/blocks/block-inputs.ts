import type * as tf from '@tensorflow/tfjs-core';

type Shape = (number | null)[];

/** A block's inputs, whichever form they came in. */
export interface BlockInputs {
  x: tf.Tensor3D;
  /** Key/value tokens for cross-attention; absent for self-attention. */
  context?: tf.Tensor3D;
  /** `[batch, keyTokens]`, boolean or 0/1 (1 = real key). */
  keyPaddingMask?: tf.Tensor2D;
}

/**
 * The forms a block (and an encoder) takes: `x`, `[x, keyPaddingMask]` (rank 2, so a
 * functional model can feed a mask input), `[x, context]`, `[x, context, keyPaddingMask]`,
 * or `context` / `keyPaddingMask` in the call's kwargs.
 */
export function splitBlockInputs(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): BlockInputs {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const x = list[0] as tf.Tensor3D;
  const second = list[1];
  const maskSecond = second != null && second.rank === 2;
  const context = ((maskSecond ? undefined : second) ?? kwargs['context']) as tf.Tensor3D | undefined;
  const keyPaddingMask = ((maskSecond ? second : list[2]) ?? kwargs['keyPaddingMask']) as tf.Tensor2D | undefined;
  return { x, context, keyPaddingMask };
}

/** The attention's inputs for a normed `h`: self-attention on `h`, or cross-attention on the context. */
export function attentionInputs(h: tf.Tensor3D, b: BlockInputs): tf.Tensor | tf.Tensor[] {
  if (b.keyPaddingMask) return [h, b.context ?? h, b.keyPaddingMask];
  return b.context ? [h, b.context] : h;
}

/** Build shapes of the same forms: the token shape, and the context shape when there is one. */
export function blockInputShapes(inputShape: Shape | Shape[]): { x: Shape; context?: Shape } {
  if (!Array.isArray(inputShape[0])) return { x: inputShape as Shape };
  const [x, second] = inputShape as Shape[];
  return { x: x!, context: second && second.length === 3 ? second : undefined };
}
