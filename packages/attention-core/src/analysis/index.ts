// @attention-zoo/attention-core/analysis — matrix rank (small N), growth exponents of
// measured costs, and NaN/Inf checks.
export { matrixRank, matrixRankOf, singularValues } from './rank.js';
export type { HostMatrix, RankOptions } from './rank.js';
export { growthExponent } from './growth.js';
export { assertFinite, findNonFinite } from '../numerics.js';
export type { NonFiniteReport } from '../numerics.js';
