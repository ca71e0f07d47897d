import type * as tf from '@tensorflow/tfjs-core';

/** Largest |a − b|, reading both back with `await data()` (works on webgpu). */
export async function maxAbsDiff(a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): Promise<number> {
  const x = 'data' in a ? await (a as tf.Tensor).data() : a;
  const y = 'data' in b ? await (b as tf.Tensor).data() : b;
  if (x.length !== y.length) throw new Error(`maxAbsDiff: ${x.length} values vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (!(d <= m)) m = d; // NaN propagates as the maximum
  }
  return m;
}

/**
 * Asserts |got − want| ≤ atol + rtol·|want| elementwise (the fixtures' rule),
 * with a message naming the worst element and the shapes.
 */
export async function expectClose(
  got: tf.Tensor,
  want: tf.Tensor | ArrayLike<number>,
  { atol = 1e-5, rtol = 1e-4, what = 'result' }: { atol?: number; rtol?: number; what?: string } = {},
): Promise<void> {
  const x = await got.data();
  const y = 'data' in want ? await (want as tf.Tensor).data() : want;
  if ('shape' in want && (want as tf.Tensor).shape.join() !== got.shape.join()) {
    throw new Error(`${what}: shape [${got.shape}] differs from expected [${(want as tf.Tensor).shape}]`);
  }
  if (x.length !== y.length) throw new Error(`${what}: ${x.length} values, expected ${y.length}`);
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    const over = d - (atol + rtol * Math.abs(y[i]!));
    if (!(over <= excess)) {
      excess = over;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: element ${worst} is ${x[worst]}, expected ${y[worst]} (|diff| ${Math.abs(x[worst]! - y[worst]!).toExponential(3)} > atol ${atol} + rtol ${rtol}·|expected|)`,
    );
  }
}
