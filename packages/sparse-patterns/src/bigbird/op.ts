import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';
import { maskedSoftmax } from '@attention-zoo/attention-core/ops';
import { maskConstant, keyValid } from '../shared/blocks.js';
import { checkInt, checkMask, checkSelfQKV } from '../shared/checks.js';
import { attendOverSources, type PatternOptions } from '../shared/sources.js';
import { resolveGlobalBlocks } from './random-blocks.js';

export interface BigBirdOptions extends PatternOptions {
  /** b: tokens per block; N must be a multiple of b. */
  blockSize: number;
  /** Odd number of window blocks centred on the query block. Default 3. */
  windowBlocks?: number;
  /** Global block indices (negatives from the end). Default [0, −1]: the first and last block. */
  globalBlocks?: readonly number[];
  /**
   * Random key blocks per query block, `[numBlocks][r]` (all heads) or
   * `[heads][numBlocks][r]`; −1 = none. A random block equal to a window or
   * global block counts once. Default: none. See `bigBirdRandomBlocks` to draw them.
   */
  randomBlocks?: readonly (readonly number[])[] | readonly (readonly (readonly number[])[])[];
}

/**
 * BigBird block-sparse attention (Zaheer et al. 2020, §2, Eq. 1, the ITC
 * form): query block I attends key blocks J with |I − J| ≤ (w−1)/2 (no
 * wrap-around), the global blocks, and its random blocks R[h][I], under ONE
 * softmax; global query blocks attend every key. Key blocks are gathered per
 * query block — `[B, H, nb, m·b, d]` with m = w + g + r — and multiplied block
 * by block: time O(N·m·b·d), memory O(N·m·b). Global rows are `[B, H, g·b, N]`.
 * N must be a multiple of `blockSize` (pad the sequence and pass a key-padding mask).
 */
export function bigBirdAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: BigBirdOptions): tf.Tensor4D {
  const op = 'bigBirdAttention';
  const { batch, heads, queries: n, dk, dv } = checkSelfQKV(q, k, v, op);
  const b = checkInt(op, 'blockSize', options?.blockSize, 1);
  if (n % b !== 0) {
    throw new AttentionInputError(`${op}: q [${q.shape}]: ${n} tokens are not a multiple of blockSize ${b}; pad the sequence to ${Math.ceil(n / b) * b} tokens and mask the padding with keyPaddingMask`);
  }
  const windowBlocks = checkInt(op, 'windowBlocks', options.windowBlocks ?? 3, 1);
  if (windowBlocks % 2 !== 1) throw new AttentionConfigError(`${op}: windowBlocks must be odd (a window centred on the query block), got ${windowBlocks}`);
  const nb = n / b;
  // A window of 2·nb − 1 blocks or more reaches every block from every query block: the same
  // pattern, so it is clamped there (odd still) and the gather is O(nb) blocks per query block, not O(w).
  const w = Math.min(windowBlocks, 2 * nb - 1);
  const G = resolveGlobalBlocks(op, options.globalBlocks ?? [0, -1], nb);
  const R = randomPerHead(op, options.randomBlocks, heads, nb);
  checkMask(options.keyPaddingMask, batch, n, op);
  const scale = options.scale ?? 1 / Math.sqrt(dk);
  const plan = keyBlockPlan(nb, b, heads, w, G, R);
  const m = plan.perQuery;
  return tf.tidy((): tf.Tensor4D => {
    const qs = tf.mul(q, scale) as tf.Tensor4D;
    const valid = keyValid(options.keyPaddingMask, batch, heads, n, n); // [BH, N]
    // Each query block's key blocks, gathered: heads are folded into the block axis so one gather serves per-head random blocks.
    const gatherBlocks = (x: tf.Tensor, width: number) =>
      tf.reshape(tf.gather(tf.reshape(x, [batch, heads * nb, b * width]), plan.index, 1), [batch, heads * nb, m * b, width]);
    const kG = gatherBlocks(k, dk); // [B, H·nb, m·b, d]
    const vG = gatherBlocks(v, dv);
    const validG = tf.reshape(gatherBlocks(valid, 1), [batch, heads * nb, 1, m * b]);
    const keep = tf.mul(maskConstant(plan.keep, [1, heads * nb, 1, m * b]), validG);
    const logits = tf.matMul(tf.reshape(qs, [batch, heads * nb, b, dk]), kG, false, true); // [B, H·nb, b, m·b]
    const sparse = attendOverSources([{ logits, keep, mix: (wt) => tf.matMul(wt, vG) }], options); // [B, H·nb, b, dv]
    const local = tf.reshape(sparse, [batch, heads, n, dv]) as tf.Tensor4D;
    if (G.length === 0) return local;
    // Global query blocks attend every key.
    const rowsOfG = G.flatMap((I) => Array.from({ length: b }, (_, a) => I * b + a));
    const all = tf.matMul(tf.gather(qs, rowsOfG, 2), k, false, true); // [B, H, g·b, N]
    let wt = maskedSoftmax(all, tf.notEqual(tf.reshape(valid, [batch, heads, 1, n]), 0));
    if (options.training && (options.dropout ?? 0) > 0) wt = tf.dropout(wt, options.dropout!, undefined, options.seed);
    const rows = tf.matMul(wt, v); // [B, H, g·b, dv]
    const slot = new Map(rowsOfG.map((i, s) => [i, s]));
    const rowIndex = Array.from({ length: n }, (_, i) => (slot.has(i) ? n + slot.get(i)! : i));
    return tf.gather(tf.concat([local, rows], 2), rowIndex, 2) as tf.Tensor4D;
  });
}

/** Random blocks as `[heads][nb][r]`, checked. */
function randomPerHead(op: string, given: BigBirdOptions['randomBlocks'], heads: number, nb: number): number[][][] {
  if (!given || given.length === 0) return Array.from({ length: heads }, () => Array.from({ length: nb }, () => []));
  const perHead = Array.isArray(given[0]?.[0]) ? (given as number[][][]) : Array.from({ length: heads }, () => given as number[][]);
  if (perHead.length !== heads) throw new AttentionConfigError(`${op}: randomBlocks has ${perHead.length} heads, expected ${heads}`);
  for (const rows of perHead) {
    if (rows.length !== nb) throw new AttentionConfigError(`${op}: randomBlocks has ${rows.length} rows, expected one per block (${nb})`);
    const r = rows[0]!.length;
    for (const row of rows) {
      if (row.length !== r) throw new AttentionConfigError(`${op}: every row of randomBlocks must have the same length ${r}`);
      for (const J of row) {
        if (!Number.isInteger(J) || J < -1 || J >= nb) throw new AttentionConfigError(`${op}: random block ${J} is out of range (0 … ${nb - 1}, or −1 for none)`);
      }
    }
  }
  return perHead;
}

/**
 * Which key blocks each query block gathers: window, global, random, in that
 * order; `index` into the heads·blocks axis, `keep` `[heads, nb, m·b]` 0 for
 * blocks off the ends and for repeats (a random block that is also a window
 * block counts once).
 */
function keyBlockPlan(nb: number, b: number, heads: number, w: number, G: number[], R: number[][][]) {
  const half = (w - 1) / 2;
  const r = R[0]![0]?.length ?? 0;
  const perQuery = w + G.length + r;
  const index: number[] = [];
  const keep = new Uint8Array(heads * nb * perQuery * b);
  for (let h = 0; h < heads; h++) {
    for (let I = 0; I < nb; I++) {
      const blocks = [...Array.from({ length: w }, (_, t) => I - half + t), ...G, ...R[h]![I]!];
      const seen = new Set<number>();
      blocks.forEach((J, s) => {
        const ok = J >= 0 && J < nb && !seen.has(J);
        if (ok) seen.add(J);
        index.push(h * nb + (ok ? J : 0));
        if (ok) keep.fill(1, ((h * nb + I) * perQuery + s) * b, ((h * nb + I) * perQuery + s + 1) * b);
      });
    }
  }
  return { perQuery, index, keep };
}
