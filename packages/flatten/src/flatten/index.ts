export { focusedLinearAttention } from './op.js';
export type { FocusedLinearAttentionOptions } from './op.js';
export { FLattenAttention, PVT_V2_POOL } from './layer.js';
export type { FLattenAttentionConfig } from './layer.js';
export { flattenRankAnalysis, formatRankTable } from './rank-analysis.js';
export type { RankAnalysis, RankAnalysisOptions, RankAnalysisRow, RankForm } from './rank-analysis.js';
import './register.js';
