import * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError } from '@attention-zoo/attention-core';
import { keyValid, mergeBatchHeads } from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import type { PatternOptions } from '../shared/sources.js';
import { checkBuckets, hashBuckets } from './hashing.js';

/** Logit given to a token's own key: attended only when nothing else is (trax/HF `self_mask_value`). */
export const SELF_LOGIT = -1e5;
/** Logit of a forbidden key (padding, future, other bucket in the causal form), as in trax/HF. */
export const MASKED_LOGIT = -1e9;

export interface LshOptions extends PatternOptions {
  /** c: tokens per chunk of the sorted sequence; N must be a multiple. */
  chunkLength: number;
  /** n_buckets (even). */
  numBuckets: number;
  /** n_rounds of hashing; their outputs are combined with logsumexp weights. */
  numHashes: number;
  /** `[heads, headDim, numHashes, numBuckets/2]` (see `lshRotations`). */
  rotations: tf.Tensor4D;
  /**
   * Strictly causal form: query i attends the keys of its own bucket (and
   * round) among the c slots before it in sorted order, which are the c
   * latest same-bucket tokens j < i — a set fixed by tokens ≤ i only.
   */
  causal?: boolean;
  /** Logit scale; default 1/√headDim (logits q_i·k̂_j·d^-½, as trax / reformer-pytorch). */
  scale?: number;
}

/**
 * Reformer LSH attention (Kitaev et al. 2020 §2), shared-QK: the key of token
 * j is its normalised query k_j = q_j/‖q_j‖. Per hash round r:
 * 1. buckets h_r(q_j) = argmax([q_j R_r; −q_j R_r]) (Eq. 3);
 * 2. stable sort of the tokens by (bucket, position);
 * 3. cut the sorted sequence into chunks of c; every query attends the keys
 *    of its own chunk and the chunk before (Eq. 4, P̃_i), with its own key at
 *    −1e5 (used only when it is the only choice) and padding at −1e9;
 * then o_i = Σ_r exp(z_r(i) − logsumexp_r z_r(i)) · o_r(i), z_r the round's
 * logsumexp (Eq. 6; trax/HF combine rounds this way): one softmax over the
 * multiset of keys the query met in all rounds.
 * Non-causal chunks follow trax/HF: keys of other buckets in the two chunks
 * are attended too, and chunk 0 looks back at the last chunk (wrap-around).
 * Causal (`causal: true`): see `LshOptions.causal`; strictly causal, unlike a
 * positional mask on the chunks (chunk boundaries move with later tokens).
 * q `[B, H, N, d]` (k is ignored: shared QK), v `[B, H, N, dv]` → `[B, H, N, dv]`.
 * Memory O(R·N·c): only [c, 2c] logit blocks, never N × N. Sorting is O(R·N log N).
 */
export function lshAttention(q: tf.Tensor4D, v: tf.Tensor4D, options: LshOptions): tf.Tensor4D {
  const op = 'lshAttention';
  const { batch, heads, queries: n, dk, dv } = checkSelfQKV(q, q, v, op);
  const c = checkInt(op, 'chunkLength', options?.chunkLength, 1);
  const nb = checkBuckets(op, options.numBuckets);
  const rounds = checkInt(op, 'numHashes', options.numHashes, 1);
  checkMask(options.keyPaddingMask, batch, n, op);
  const rot = options.rotations;
  if (!rot || rot.shape.join() !== [heads, dk, rounds, nb / 2].join()) {
    throw new AttentionInputError(`${op}: rotations must have shape [heads, headDim, numHashes, numBuckets/2] = [${heads}, ${dk}, ${rounds}, ${nb / 2}], got [${rot?.shape}]`);
  }
  if (n % c !== 0) {
    throw new AttentionInputError(
      `${op}: ${n} tokens are not a multiple of chunkLength ${c}; pad the sequence to ${Math.ceil(n / c) * c} tokens and pass a keyPaddingMask`,
    );
  }
  if ((nb + 1) * n >= 2 ** 24) {
    throw new AttentionInputError(`${op}: (numBuckets + 1)·tokens = ${(nb + 1) * n} exceeds 2^24, the largest sort key float32 holds exactly`);
  }
  const causal = options.causal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  return tf.tidy(() => {
    const bh = batch * heads;
    const rn = rounds * n;
    const nc = rn / c;
    const qf = mergeBatchHeads(q); // [BH, N, d]
    const vf = mergeBatchHeads(v);
    const valid = keyValid(options.keyPaddingMask, batch, heads, n, n); // [BH, N]
    // Hashing and sorting give indices only: computed off the gradient tape (no gradient flows
    // through an argmax or a sort; tfjs would otherwise ask gather for an index gradient).
    const packed = offTape(() => {
      const buckets = hashBuckets(qf, rot, heads, valid); // [BH, R, N]
      // Stable sort by (bucket, position) within each round: ascending key = bucket·N + j.
      const pos = tf.range(0, n, 1, 'float32');
      const sortKey = tf.reshape(tf.add(tf.mul(buckets, n), pos), [bh * rounds, n]);
      // Descending −key = ascending key. Positions and buckets are read back from the sorted keys
      // (key = bucket·N + j, exact in float32), not from topk's int32 indices (see firstArgMax).
      const key = tf.neg(tf.topk(tf.neg(sortKey), n).values);
      const bucket = tf.floor(tf.div(tf.add(key, 0.5), n));
      const ord = tf.sub(key, tf.mul(bucket, n)); // [BH·R, N]: positions in sorted order
      // Round-and-bucket id of every slot (causal form: attend only within it).
      const round = tf.tensor2d(Float32Array.from({ length: bh * rounds }, (_, row) => row % rounds), [bh * rounds, 1]);
      return tf.stack([ord, tf.add(tf.mul(round, nb + 1), bucket)], 2); // [BH·R, N, 2]
    });
    const [order, sId] = tf.unstack(packed, 2) as [tf.Tensor2D, tf.Tensor2D];
    // Flat row of each slot in [BH·N, ·] tensors (row = bh·R + r reads batch-head bh).
    const rowBase = tf.tensor2d(Float32Array.from({ length: bh * rounds }, (_, row) => Math.floor(row / rounds) * n), [bh * rounds, 1]);
    const flat = tf.cast(tf.reshape(tf.add(order, rowBase), [bh * rn]), 'int32');
    const gather = <T extends tf.Tensor>(x: tf.Tensor, width: number) => tf.reshape(tf.gather(tf.reshape(x, [bh * n, width]), flat), [bh, nc, c, width]) as T;
    const sq = gather<tf.Tensor4D>(qf, dk); // [BH, nC, c, d] sorted queries
    const sv = gather<tf.Tensor4D>(vf, dv);
    const sPos: tf.Tensor4D = tf.reshape(order, [bh, nc, c, 1]);
    const sValid = gather<tf.Tensor4D>(valid, 1);
    const sIdC: tf.Tensor4D = tf.reshape(sId, [bh, nc, c, 1]);

    // k_j = q_j / ‖q_j‖ (shared QK, §2): a query's dot with itself is the largest, hence the self mask.
    const sk = tf.div(sq, tf.sqrt(tf.add(tf.sum(tf.square(sq), 3, true), 1e-12)));
    const back = (x: tf.Tensor4D) => lookOneBack(x); // [BH, nC, 2c, X]
    const kC = back(sk as tf.Tensor4D);
    const vC = back(sv);
    const kPos = tf.reshape(back(sPos), [bh, nc, 1, 2 * c]);
    const kValid = tf.reshape(back(sValid), [bh, nc, 1, 2 * c]);
    const kId = tf.reshape(back(sIdC), [bh, nc, 1, 2 * c]);

    let logits: tf.Tensor = tf.matMul(tf.mul(sq, scale), kC, false, true); // [BH, nC, c, 2c]
    let keep: tf.Tensor = tf.notEqual(kValid, 0);
    if (causal) {
      const band = new Uint8Array(c * 2 * c);
      for (let a = 0; a < c; a++) for (let t = 0; t < 2 * c; t++) band[a * 2 * c + t] = t >= a && t <= c + a ? 1 : 0; // slots s − c … s
      keep = tf.logicalAnd(keep, tf.logicalAnd(tf.tensor(band, [1, 1, c, 2 * c], 'bool'), tf.logicalAnd(tf.equal(kId, sIdC), tf.lessEqual(kPos, sPos))));
    }
    logits = tf.where(tf.equal(kPos, sPos), tf.fill(logits.shape, SELF_LOGIT), logits);
    logits = tf.where(keep, logits, tf.fill(logits.shape, MASKED_LOGIT));
    // Per slot: max m, e = exp(l − m), s = Σe, U = e·V. The round's logsumexp is z = m + log s, but
    // z is not formed: at |m| ~ 1e5 float32 would round log s away, so rounds are weighted by s, m directly.
    const m = tf.max(logits, 3, true); // [BH, nC, c, 1]
    const e = tf.exp(tf.sub(logits, m));
    const sum = tf.sum(e, 3, true);
    const rate = options.dropout ?? 0;
    const u = tf.matMul(options.training && rate > 0 ? tf.dropout(e, rate, undefined, options.seed) : e, vC); // [BH, nC, c, dv]

    // Undo the sort (the inverse permutation of each round), then combine rounds, Eq. (6):
    // o_i = Σ_r exp(z_r − logsumexp_r z_r)·U_r/s_r = Σ_r exp(m_r − M)·U_r / Σ_r exp(m_r − M)·s_r.
    const back2 = offTape(() => {
      const inverse = tf.topk(tf.neg(order), n).indices; // [BH·R, N] int32: slot of position j
      const slotRow = tf.tensor2d(Int32Array.from({ length: bh * rounds }, (_, row) => row * n), [bh * rounds, 1], 'int32');
      return tf.reshape(tf.add(inverse, slotRow), [bh * rn]);
    });
    const unsort = (x: tf.Tensor, w: number) => tf.reshape(tf.gather(tf.reshape(x, [bh * rn, w]), back2), [bh, rounds, n, w]);
    const mR = unsort(m, 1); // [BH, R, N, 1]
    const g = tf.exp(tf.sub(mR, tf.max(mR, 1, true)));
    const num = tf.sum(tf.mul(g, unsort(u, dv)), 1); // [BH, N, dv]
    const den = tf.sum(tf.mul(g, unsort(sum, 1)), 1); // [BH, N, 1]
    return tf.reshape(tf.div(num, den), [batch, heads, n, dv]) as tf.Tensor4D;
  });
}

/**
 * Runs `f` off the gradient tape: its outputs (indices) are constants to
 * autodiff. A customGrad kernel does not record the ops inside it, and its
 * only input is a fresh scalar, so what it returns is not reachable from any
 * variable.
 */
function offTape<T extends tf.Tensor>(f: () => T): T {
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({ value: f(), gradFunc: () => tf.zerosLike(args[0] as tf.Tensor) })) as (anchor: tf.Tensor) => T;
  return run(tf.scalar(0));
}

/**
 * Every chunk next to the one before it, wrapping around (chunk 0 sees the
 * last chunk, as trax/HF `look_adjacent`): `[BH, nC, c, X]` → `[BH, nC, 2c, X]`
 * (previous chunk first).
 */
function lookOneBack(x: tf.Tensor4D): tf.Tensor4D {
  const [bh, nc, c, w] = x.shape;
  const prev = nc === 1 ? x : tf.concat([tf.slice(x, [0, nc - 1, 0, 0], [bh, 1, c, w]), tf.slice(x, [0, 0, 0, 0], [bh, nc - 1, c, w])], 1);
  return tf.concat([prev, x], 2);
}
