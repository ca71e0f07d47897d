export { orthogonalRandomFeatures } from './projection.js';
export type { RandomFeaturesOptions } from './projection.js';
export { favorFeatureMap, performerAttention } from './op.js';
export type { FavorFeatureOptions, PerformerAttentionOptions } from './op.js';
export { PerformerAttention } from './layer.js';
export type { PerformerAttentionConfig } from './layer.js';
import './register.js';
