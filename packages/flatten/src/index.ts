// @attention-zoo/flatten — FLatten (Focused Linear Attention, Han et al. ICCV 2023) as the official code computes it.

// Functional ops
export { focusingFunction, focusedKernel, KERNEL_EPS } from './ops/focusing.js';
export {
  focusedLinearAttention,
  focusedLinearCore,
  focusedLinearWeights,
  NORMALISER_EPS,
} from './ops/focused-linear-attention.js';
export type { FocusedLinearAttentionOptions } from './ops/focused-linear-attention.js';
export { dwcBranch, dwcMixingMatrix, causalTapMask } from './ops/dwc.js';
export type { DwcOptions } from './ops/dwc.js';
export { interpolateTokens, linearTaps } from './ops/interpolate.js';
export { adaptiveAvgPool2d } from './ops/adaptive-pool.js';

// Layers (each registers itself)
export { FocusedLinearLayer } from './layers/focused-layer.js';
export type { FocusedLinearConfig } from './layers/focused-layer.js';
export { focusedCost } from './layers/cost.js';
export { FLATTEN_PAPER } from './layers/paper.js';
export { FLattenAttention, PVT_V2_POOL } from './pvt/layer.js';
export type { FLattenAttentionConfig } from './pvt/layer.js';
import './pvt/register.js';
export { FLattenSwinAttention, FLATTEN_SWIN_WINDOW } from './swin/layer.js';
export type { FLattenSwinAttentionConfig } from './swin/layer.js';
export { FlattenSwinBlock } from './swin/block.js';
export type { FlattenSwinBlockConfig } from './swin/block.js';
export { roll2d, windowPartition, windowReverse, windowTokenOrder } from './swin/windows.js';
import './swin/register.js';
export { FLattenCSwinAttention, LEPE_KERNEL } from './cswin/layer.js';
export type { FLattenCSwinAttentionConfig } from './cswin/layer.js';
export { FlattenCSwinBlock } from './cswin/block.js';
export type { FlattenCSwinBlockConfig } from './cswin/block.js';
import './cswin/register.js';
export { FLattenClsAttention } from './cls/layer.js';
export type { FLattenClsAttentionConfig } from './cls/layer.js';
import './cls/register.js';

// Analysis (paper Fig. 3 and 5)
export { flattenRankAnalysis, formatRankTable } from './analysis/rank-analysis.js';
export type { RankAnalysis, RankAnalysisOptions, RankAnalysisRow, RankForm } from './analysis/rank-analysis.js';
