export { bigBirdAttention } from './op.js';
export type { BigBirdOptions } from './op.js';
export { bigBirdRandomBlocks } from './random-blocks.js';
export type { RandomBlocksOptions } from './random-blocks.js';
export { BigBirdAttention } from './layer.js';
export type { BigBirdAttentionConfig } from './layer.js';
import './register.js';
