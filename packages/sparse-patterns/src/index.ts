// @attention-zoo/sparse-patterns — sparse attention computed only where the pattern is non-zero.
export { slidingWindowAttention } from './local/sliding-window.js';
export type { SlidingWindowOptions } from './local/sliding-window.js';
export { stridedAttention } from './strided/strided.js';
export type { StridedOptions } from './strided/strided.js';
export { fixedAttention } from './sparse-fixed/fixed.js';
export type { FixedOptions } from './sparse-fixed/fixed.js';
export { longformerAttention } from './longformer/longformer.js';
export type { LongformerOptions } from './longformer/longformer.js';
export { bigBirdAttention } from './bigbird/bigbird.js';
export type { BigBirdOptions } from './bigbird/bigbird.js';
export { bigBirdRandomBlocks } from './bigbird/random-blocks.js';
export type { RandomBlocksOptions } from './bigbird/random-blocks.js';
