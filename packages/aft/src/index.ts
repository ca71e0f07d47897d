// @attention-zoo/aft — An Attention Free Transformer (Zhai et al. 2021): AFT-full, AFT-simple,
// AFT-local, AFT-conv as functional ops and layers; importing it registers
// 'aft-full', 'aft-simple', 'aft-local' and 'aft-conv'.
export * from './aft-full/index.js';
export * from './aft-simple/index.js';
export * from './aft-local/index.js';
export * from './aft-conv/index.js';
export { AftLayer } from './shared/aft-layer.js';
export { PositionBiasLayer } from './shared/position-bias-layer.js';
export type { PositionBiasConfig } from './shared/position-bias-layer.js';
export { denseBias, isFactorised } from './shared/position-bias.js';
export type { PositionBias } from './shared/position-bias.js';
export { impliedAttention } from './shared/implied-attention.js';
