/**
 * Peak tensor memory of a piece of work, counted per data buffer.
 *
 * `tf.profile().peakBytes` is tfjs's `numBytes` at its highest, and `numBytes`
 * counts every tensor handle: a reshape, an identity, a same-dtype cast or a
 * variable's `read()` shares its input's buffer yet adds its size again. In one
 * training step the tape holds many such views (the ListOps model's step read
 * 360 MB by `tf.profile`, half of it `Reshape` and `Identity` outputs), so that
 * figure overstated the memory several times over. Here each data buffer counts once:
 * the engine's `tensorInfo` map (one entry per buffer, with its bytes) is watched
 * while `fn` runs.
 */
import * as tf from '@tensorflow/tfjs-core';

interface BufferInfo {
  bytes: number;
}
interface BufferMap {
  get(id: object): BufferInfo | undefined;
  set(id: object, info: BufferInfo): unknown;
  has(id: object): boolean;
  delete(id: object): boolean;
}

export interface PeakMemory<T> {
  result: T;
  /** Bytes of distinct tensor buffers held before `fn` (weights, optimizer state, inputs). */
  heldBytes: number;
  /** The most bytes of distinct buffers held at once while `fn` ran, `heldBytes` included. */
  peakBytes: number;
}

/** Runs `fn` and reports the peak bytes of distinct tensor buffers during it. */
export async function measurePeakBytes<T>(fn: () => T | Promise<T>): Promise<PeakMemory<T>> {
  const state = (tf.engine() as unknown as { state: { tensorInfo: BufferMap } }).state;
  const inner = state.tensorInfo;
  // Before fn every live buffer is also a live handle; views of one buffer are rare outside a
  // step's tape, so numBytes is the held figure (variables' read() views are not kept alive).
  const heldBytes = tf.memory().numBytes;
  let now = heldBytes;
  let peak = heldBytes;
  state.tensorInfo = {
    get: (id) => inner.get(id),
    has: (id) => inner.has(id),
    set: (id, info) => {
      if (!inner.has(id)) now += info.bytes;
      peak = Math.max(peak, now);
      return inner.set(id, info);
    },
    delete: (id) => {
      const info = inner.get(id);
      if (info) now -= info.bytes;
      return inner.delete(id);
    },
  };
  try {
    const result = await fn();
    return { result, heldBytes, peakBytes: peak };
  } finally {
    state.tensorInfo = inner;
  }
}
