// @attention-zoo/sparse-patterns — sparse attention computed only where the pattern is non-zero.
// Importing the package registers: local, strided, sparse-fixed, longformer, bigbird, reformer-lsh, sinkhorn, mixed-sparse.

// Functional ops: q, k, v [batch, heads, tokens, headDim], heads-first like PyTorch
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
export { lshAttention, SELF_LOGIT, MASKED_LOGIT } from './reformer/lsh.js';
export type { LshOptions } from './reformer/lsh.js';
export { lshRotations, hashBuckets } from './reformer/hashing.js';
export { sinkhornAttention, sinkhorn, sortMatrix } from './sinkhorn/sinkhorn.js';
export type { SinkhornOptions } from './sinkhorn/sinkhorn.js';
export type { RotationsOptions } from './reformer/hashing.js';

// Layers
export { SparseAttention } from './layer/sparse-layer.js';
export type { SparseAttentionConfig } from './layer/sparse-layer.js';
export { LocalAttention } from './local/layer.js';
export type { LocalAttentionConfig } from './local/layer.js';
export { StridedAttention } from './strided/layer.js';
export type { StridedAttentionConfig } from './strided/layer.js';
export { SparseFixedAttention } from './sparse-fixed/layer.js';
export type { SparseFixedAttentionConfig } from './sparse-fixed/layer.js';
export { LongformerAttention } from './longformer/layer.js';
export type { LongformerAttentionConfig } from './longformer/layer.js';
export { BigBirdAttention } from './bigbird/layer.js';
export type { BigBirdAttentionConfig } from './bigbird/layer.js';
export { LshAttention } from './reformer/layer.js';
export type { LshAttentionConfig } from './reformer/layer.js';
export { SinkhornAttention } from './sinkhorn/layer.js';
export { MixedSparseAttention } from './mixed/layer.js';
export type { MixedSparseAttentionConfig, HeadPattern } from './mixed/layer.js';
export type { SinkhornAttentionConfig } from './sinkhorn/layer.js';

// Registrations
import './local/register.js';
import './strided/register.js';
import './sparse-fixed/register.js';
import './longformer/register.js';
import './bigbird/register.js';
import './reformer/register.js';
import './sinkhorn/register.js';
import './mixed/register.js';
