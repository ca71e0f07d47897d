import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';

export interface HeadMatMulOptions {
  /** Use aᵀ of each head's matrix. */
  transposeA?: boolean;
  /** Use bᵀ of each head's matrix. */
  transposeB?: boolean;
}

/**
 * Backends on which a loop of plain 2-D `matMul`s beats one batched `matMul`.
 * tfjs-backend-wasm 4.22 (XNNPACK, single-threaded in Node): its batched
 * `BatchMatMul` and its `transposeA/B` flags run several times slower than a
 * 2-D product of row-major operands (measured in docs/performance.md).
 */
const LOOP_BACKENDS = new Set(['wasm']);

/**
 * The per-head product `a @ b` on `[..., rows, cols]` tensors with the same
 * leading (batch, head) dims — the one place every per-head product of the
 * linear-attention forms goes through, so each backend gets its fastest form:
 * on wasm, one 2-D `matMul` per (batch, head) with any transpose done
 * explicitly per head first (no transpose flags); elsewhere the batched `matMul`.
 * Both forms are differentiable and compute the same values.
 */
export function headMatMul(a: tf.Tensor, b: tf.Tensor, { transposeA = false, transposeB = false }: HeadMatMulOptions = {}): tf.Tensor {
  if (a.rank < 2 || a.rank !== b.rank || a.shape.slice(0, -2).some((s, i) => s !== b.shape[i])) {
    throw new AttentionInputError(`headMatMul: a and b need the same leading dims, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  if (!LOOP_BACKENDS.has(tf.getBackend()) || a.rank === 2) return tf.matMul(a, b, transposeA, transposeB);
  const lead = a.shape.slice(0, -2);
  const g = lead.reduce((x, y) => x * y, 1);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  return tf.tidy(() => {
    const as = tf.unstack(tf.reshape(a, [g, ar, ac]));
    const bs = tf.unstack(tf.reshape(b, [g, br, bc]));
    const outs = as.map((ai, i) => {
      const x = transposeA ? tf.transpose(ai) : ai;
      const y = transposeB ? tf.transpose(bs[i]!) : bs[i]!;
      return tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D);
    });
    const out = tf.stack(outs);
    return tf.reshape(out, [...lead, ...out.shape.slice(-2)]);
  });
}
