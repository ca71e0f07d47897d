import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';
import { canReadSync } from '../numerics.js';

/** Masks whose values were read already: an encoder hands the same mask to every block. */
const checkedValues = new WeakSet<tf.Tensor>();

const MASK_CONVENTION = 'a key-padding mask is boolean or 0/1: true/1 = real key, false/0 = padding';

/**
 * Checks a `[batch, keys]` key-padding mask: its shape, its dtype (bool, or int32/float32
 * holding only 0 and 1) and its values — at once where the backend reads back synchronously,
 * when the data arrives on webgpu (see `flushMaskChecks`) — so
 * an additive mask (0 / −∞, as PyTorch's `attn_mask` takes) or a flipped one is an error
 * naming the convention instead of a silently wrong result. `who` names the layer or op.
 * Every variant gets this through the base layer's input checks and the functional ops.
 */
export function checkKeyPaddingMask(mask: tf.Tensor, batch: number, keys: number, who: string): void {
  if (!(mask instanceof tf.Tensor)) throw new AttentionInputError(`${who}: keyPaddingMask must be a tf.Tensor [batch, keyTokens]; ${MASK_CONVENTION}`);
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== keys) {
    throw new AttentionInputError(
      `${who}: keyPaddingMask must be [batch, keyTokens] = ${shapeToString([batch, keys])} ` +
        `(1 = real key, 0 = padding), got ${shapeToString(mask.shape)}`,
    );
  }
  if (mask.dtype !== 'bool' && mask.dtype !== 'int32' && mask.dtype !== 'float32') {
    throw new AttentionInputError(`${who}: keyPaddingMask has dtype ${mask.dtype}; ${MASK_CONVENTION}`);
  }
  if (mask.dtype === 'bool' || mask.size === 0 || checkedValues.has(mask)) return;
  if (!canReadSync()) {
    checkValuesLater(mask, who);
    return;
  }
  const flag = tf.tidy(() => tf.any(tf.logicalAnd(tf.notEqual(mask, 0), tf.notEqual(mask, 1))));
  const bad = flag.dataSync()[0] === 1;
  flag.dispose();
  if (bad) {
    const values = mask.dataSync();
    const odd = values.find((v) => v !== 0 && v !== 1);
    throw badValues(who, odd!, mask.dtype);
  }
  checkedValues.add(mask);
}

function badValues(who: string, odd: number, dtype: string): AttentionInputError {
  return new AttentionInputError(
    `${who}: keyPaddingMask holds ${odd} (${dtype}); ${MASK_CONVENTION}. ` +
      'An additive mask (0 = keep, −Infinity = drop) is not taken: pass tf.equal(additive, 0) instead',
  );
}

/** Masks whose deferred value check is in flight (an encoder passes one mask to every block). */
const inFlight = new WeakSet<tf.Tensor>();
const pendingMaskChecks = new Set<Promise<void>>();
const lateMaskErrors: AttentionInputError[] = [];

/**
 * The value check where read-back is asynchronous (webgpu): the 0/1 test runs on the device
 * now, its one-value answer is read when it arrives (the pipeline never stalls), and a bad
 * mask is then logged at once (`console.error`) and kept for `flushMaskChecks` — as
 * `checkNumerics` reports NaN there. The call that used the mask has returned by then.
 */
function checkValuesLater(mask: tf.Tensor, who: string): void {
  if (inFlight.has(mask)) return;
  inFlight.add(mask);
  // One small tensor, kept (the caller's tidy may end before the data arrives): whether any value
  // is neither 0 nor 1, and the first such value — no copy of the mask outlives the call.
  const found = tf.keep(
    tf.tidy(() => {
      const flat = tf.reshape(tf.cast(mask, 'float32'), [-1]);
      const bad = tf.logicalAnd(tf.notEqual(flat, 0), tf.notEqual(flat, 1));
      const first = tf.gather(flat, tf.argMax(tf.cast(bad, 'int32')));
      return tf.concat([tf.reshape(tf.cast(tf.any(bad), 'float32'), [1]), tf.reshape(first, [1])]);
    }),
  );
  const dtype = mask.dtype;
  const run = async (): Promise<void> => {
    try {
      const [anyBad, odd] = await found.data();
      if (anyBad !== 1) {
        checkedValues.add(mask);
        return;
      }
      const err = badValues(who, odd!, dtype);
      console.error(`[keyPaddingMask] ${err.message}`);
      lateMaskErrors.push(err);
    } catch {
      // The read-back itself failed (the backend went away): nothing can be said about the mask.
    } finally {
      inFlight.delete(mask);
      found.dispose();
    }
  };
  const done = run().finally(() => pendingMaskChecks.delete(done));
  pendingMaskChecks.add(done);
}

/**
 * Waits for the key-padding mask value checks still in flight (webgpu: they read back
 * asynchronously) and throws the first bad mask found since the last flush as an
 * `AttentionInputError`, naming the layer or op that was given it. Resolves at once on
 * backends that check synchronously (there a bad mask throws from the call itself).
 * `AttentionLayer.flushNumerics()` awaits this too.
 */
export async function flushMaskChecks(): Promise<void> {
  await Promise.all([...pendingMaskChecks]);
  const found = lateMaskErrors.splice(0);
  if (found.length > 0) {
    const more = found.length > 1 ? ` (and ${found.length - 1} more bad mask${found.length > 2 ? 's' : ''})` : '';
    throw new AttentionInputError(found[0]!.message + more);
  }
}

/**
 * Causal "may attend" pattern `[queries, keys]`: query i sees keys j ≤ i
 * (top-left aligned, like PyTorch's `is_causal`). Boolean.
 */
export function causalKeep(queries: number, keys: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.linalg.bandPart(tf.ones([queries, keys]), -1, 0), 'bool') as tf.Tensor2D);
}

/**
 * A `[batch, keys]` key-padding mask (1/true = real key, 0/false = padding)
 * as a boolean `[batch, 1, 1, keys]` pattern that broadcasts over heads and queries.
 */
export function keyPaddingKeep(mask: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, m] = mask.shape;
    const keep = mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0);
    return tf.reshape(keep, [b, 1, 1, m]) as tf.Tensor4D;
  });
}

/**
 * A `[batch, keys]` key-padding mask as float32 0/1 numbers (1 = real key), for kernels
 * that read it as numbers. Not `tf.cast(mask, 'float32')`: tfjs counts bool/int32 → float32
 * as lossless and keeps the source buffer under the new dtype, so a custom WebGPU or wasm
 * kernel would read a bool's bytes as f32 bits (1 → 1.4e-45, i.e. "padding"). `tf.where`
 * writes real floats on every backend.
 */
export function keyPaddingReal(mask: tf.Tensor2D): tf.Tensor2D {
  const real = tf.tidy(() => {
    const keep = mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0);
    return tf.where(keep, tf.ones(mask.shape), tf.zeros(mask.shape)) as tf.Tensor2D;
  });
  // 0/1 by construction: the ops it is handed to need not read it back again (on webgpu a
  // deferred check per call would hold a tensor past every call).
  checkedValues.add(real);
  return real;
}

/** Logical AND of optional broadcastable patterns; `undefined` when none is given. */
export function combineKeep(...patterns: (tf.Tensor | undefined)[]): tf.Tensor | undefined {
  const given = patterns.filter((p): p is tf.Tensor => p != null);
  if (given.length === 0) return undefined;
  return tf.tidy(() => given.slice(1).reduce<tf.Tensor>((acc, p) => tf.logicalAnd(acc, p), given[0]!));
}
