export { spatialReduction, linearSpatialReduction, adaptivePoolMatrix } from './op.js';
export type { SpatialReductionWeights } from './op.js';
export { SpatialReductionAttention } from './layer.js';
export type { SpatialReductionAttentionConfig } from './layer.js';
export { spatialReductionKeyMaps } from './torch-keys.js';
import './register.js';
