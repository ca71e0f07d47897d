export { spatialReduction, linearSpatialReduction, adaptivePoolMatrix } from './spatial-reduction.js';
export type { SpatialReductionWeights } from './spatial-reduction.js';
export { SpatialReductionAttention } from './layer.js';
export type { SpatialReductionAttentionConfig } from './layer.js';
export { spatialReductionKeyMaps } from './state-dict-maps.js';
import './register.js';
