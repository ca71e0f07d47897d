import { AttentionConfigError } from '@attention-zoo/attention-core';
import { mulberry32 } from '../shared/mulberry32.js';

export interface RandomBlocksOptions {
  numBlocks: number;
  numHeads: number;
  /** r: random key blocks per query block. */
  numRandomBlocks: number;
  /** Odd: the window covers blocks I − (w−1)/2 … I + (w−1)/2. */
  windowBlocks: number;
  /** Global block indices (already resolved to 0 … numBlocks − 1). */
  globalBlocks: readonly number[];
  seed: number;
}

/**
 * BigBird's random part (Zaheer et al. 2020, §2 and App. D, `bigbird_block_rand_mask`):
 * for every head and every non-global query block, r distinct key blocks drawn
 * uniformly from the blocks that are neither in its window nor global. Drawn
 * once from `seed` — a fixed pattern per layer, as in the paper's code — and
 * returned as `[heads][numBlocks][min(r, numBlocks)]` block indices; −1 marks "none" (global
 * query blocks attend everything; short sequences may have fewer than r
 * candidates).
 */
export function bigBirdRandomBlocks(o: RandomBlocksOptions): number[][][] {
  const rand = mulberry32(o.seed);
  const half = (o.windowBlocks - 1) / 2;
  const global = new Set(o.globalBlocks);
  const out: number[][][] = [];
  for (let h = 0; h < o.numHeads; h++) {
    const perHead: number[][] = [];
    for (let I = 0; I < o.numBlocks; I++) {
      // At most numBlocks candidates exist: more random blocks per row would only be −1 (none).
      const row = Array<number>(Math.min(o.numRandomBlocks, o.numBlocks)).fill(-1);
      if (!global.has(I)) {
        const candidates: number[] = [];
        for (let J = 0; J < o.numBlocks; J++) if (Math.abs(J - I) > half && !global.has(J)) candidates.push(J);
        // Partial Fisher–Yates: the first r entries are a uniform draw without replacement.
        for (let t = 0; t < Math.min(o.numRandomBlocks, candidates.length); t++) {
          const pick = t + Math.floor(rand() * (candidates.length - t));
          [candidates[t], candidates[pick]] = [candidates[pick]!, candidates[t]!];
          row[t] = candidates[t]!;
        }
      }
      perHead.push(row);
    }
    out.push(perHead);
  }
  return out;
}

/** Global block indices with negatives counted from the end (−1 = last block), checked and sorted. */
export function resolveGlobalBlocks(op: string, globalBlocks: readonly number[], numBlocks: number): number[] {
  const out = new Set<number>();
  for (const g of globalBlocks) {
    if (!Number.isInteger(g) || g >= numBlocks || g < -numBlocks) {
      throw new AttentionConfigError(
        `${op}: global block ${JSON.stringify(g)} is out of range for ${numBlocks} blocks (valid: −${numBlocks} … ${numBlocks - 1}, negatives count from the end)`,
      );
    }
    out.add(g < 0 ? numBlocks + g : g);
  }
  return [...out].sort((a, b) => a - b);
}
