export { spatialReduction, linearSpatialReduction, adaptivePoolMatrix, reducedKeyPaddingMask } from './op.js';
export type { Reduction, SpatialReductionOptions, SpatialReductionWeights } from './op.js';
export { SpatialReductionAttention } from './layer.js';
export type { SpatialReductionAttentionConfig } from './layer.js';
export { spatialReductionKeyMaps } from './torch-keys.js';
import './register.js';
