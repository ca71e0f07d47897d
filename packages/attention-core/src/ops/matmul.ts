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
 * `a @ b` for 2-D `a`, `b` whose gradients are also untransposed products:
 * tfjs's matMul gradient is `dy·bᵀ` and `aᵀ·dy` through the `transposeA/B`
 * flags, the slow form on wasm — in a FLatten training step at N = 4,096 those
 * gradient products took 1.2 s of 1.9 s. Here the transposes are explicit.
 */
export const matMul2d = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Whether the active backend runs per-head products faster as a loop of 2-D `matMul`s (see `headMatMul`). */
export function loopsOverHeads(): boolean {
  return LOOP_BACKENDS.has(tf.getBackend());
}

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
  if (!loopsOverHeads() || a.rank === 2) return tf.matMul(a, b, transposeA, transposeB);
  const lead = a.shape.slice(0, -2);
  const g = lead.reduce((x, y) => x * y, 1);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  return tf.tidy(() => {
    const a3 = tf.reshape(a, [g, ar, ac]);
    const b3 = tf.reshape(b, [g, br, bc]);
    // Slices, not unstack: wasm's Unpack is several times slower than its Slice.
    const head = (t: tf.Tensor, i: number, r: number, c: number, tr: boolean) => {
      const m = tf.reshape(tf.slice(t, [i, 0, 0], [1, r, c]), [r, c]) as tf.Tensor2D;
      return tr ? tf.transpose(m) : m;
    };
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < g; i++) {
      const y = matMul2d(head(a3, i, ar, ac, transposeA), head(b3, i, br, bc, transposeB));
      outs.push(tf.reshape(y, [1, ...y.shape]));
    }
    const out = g === 1 ? outs[0]! : tf.concat(outs, 0);
    return tf.reshape(out, [...lead, ...out.shape.slice(-2)]);
  });
}
