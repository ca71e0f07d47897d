import type * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError, defineCapabilities } from '@attention-zoo/attention-core';
import { SparseAttention, type AttendOptions, type SparseAttentionConfig } from '../shared/sparse-layer.js';
import { checkInt } from '../shared/checks.js';
import { bigBirdAttention } from './op.js';
import { bigBirdRandomBlocks, resolveGlobalBlocks } from './random-blocks.js';

export interface BigBirdAttentionConfig extends SparseAttentionConfig {
  /** b: tokens per block; the sequence length must be a multiple. Default 16 (google-research/bigbird). */
  blockSize?: number;
  /** Odd number of window blocks centred on the query block. Default 3. */
  windowBlocks?: number;
  /** Global blocks; negatives count from the end. Default [0, −1] (first and last block). */
  globalBlocks?: number[];
  /** r: random key blocks per query block and head. Default 3. */
  numRandomBlocks?: number;
  /** Seed of this layer's random blocks (fixed per layer). Default `seed`, else drawn once at construction and kept in the config. */
  randomSeed?: number;
}

/**
 * BigBird block-sparse attention (Zaheer et al. 2020, ITC): window blocks,
 * global blocks and r random blocks per query block and head, one softmax;
 * global blocks attend everything. The random blocks are drawn once per layer
 * from `randomSeed` (see `randomBlocks`). O(N·(w + g + r)·b) memory.
 */
export class BigBirdAttention extends SparseAttention {
  static className = 'AttentionZoo>BigBirdAttention';
  static override capabilities = defineCapabilities({ keyPaddingMask: true, variableLength: false, attentionMap: 'exact' });

  readonly blockSize: number;
  readonly windowBlocks: number;
  readonly globalBlocks: number[];
  readonly numRandomBlocks: number;
  readonly randomSeed: number;

  constructor(config: BigBirdAttentionConfig) {
    super(config);
    this.blockSize = checkInt(this.who, 'blockSize', config.blockSize ?? 16, 1);
    this.windowBlocks = checkInt(this.who, 'windowBlocks', config.windowBlocks ?? 3, 1);
    if (this.windowBlocks % 2 !== 1) throw new AttentionConfigError(`${this.who}: windowBlocks must be odd (a window centred on the query block), got ${this.windowBlocks}`);
    this.globalBlocks = [...(config.globalBlocks ?? [0, -1])];
    this.numRandomBlocks = checkInt(this.who, 'numRandomBlocks', config.numRandomBlocks ?? 3, 0);
    this.randomSeed = config.randomSeed ?? this.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!Number.isInteger(this.randomSeed)) throw new AttentionConfigError(`${this.who}: randomSeed must be an integer, got ${config.randomSeed}`);
  }

  private numBlocks(tokens: number): number {
    if (tokens % this.blockSize !== 0) {
      throw new AttentionInputError(
        `${this.who}: ${tokens} tokens are not a multiple of blockSize ${this.blockSize}; pad the sequence to ${Math.ceil(tokens / this.blockSize) * this.blockSize} tokens and pass a keyPaddingMask`,
      );
    }
    return tokens / this.blockSize;
  }

  /** This layer's random key blocks for a sequence of `tokens`: `[heads][blocks][r]`, −1 = none. Reproducible from `randomSeed`. */
  randomBlocks(tokens: number): number[][][] {
    const nb = this.numBlocks(tokens);
    return bigBirdRandomBlocks({
      numBlocks: nb,
      numHeads: this.numHeads,
      numRandomBlocks: this.numRandomBlocks,
      windowBlocks: this.windowBlocks,
      globalBlocks: resolveGlobalBlocks(this.who, this.globalBlocks, nb),
      seed: this.randomSeed,
    });
  }

  protected attend(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: AttendOptions): tf.Tensor4D {
    return bigBirdAttention(q, k, v, {
      ...o,
      blockSize: this.blockSize,
      windowBlocks: this.windowBlocks,
      globalBlocks: this.globalBlocks,
      randomBlocks: this.randomBlocks(q.shape[2]),
      scale: this.scale,
    });
  }

  allows(tokens: number): (i: number, j: number, head: number) => boolean {
    const b = this.blockSize;
    const nb = this.numBlocks(tokens);
    const G = new Set(resolveGlobalBlocks(this.who, this.globalBlocks, nb));
    const R = this.randomBlocks(tokens);
    const half = (this.windowBlocks - 1) / 2;
    return (i, j, head) => {
      const [I, J] = [Math.floor(i / b), Math.floor(j / b)];
      return Math.abs(I - J) <= half || G.has(I) || G.has(J) || R[head]![I]!.includes(J);
    };
  }

  protected patternConfig(): Record<string, unknown> {
    return {
      blockSize: this.blockSize,
      windowBlocks: this.windowBlocks,
      globalBlocks: this.globalBlocks,
      numRandomBlocks: this.numRandomBlocks,
      randomSeed: this.randomSeed,
    };
  }
}
