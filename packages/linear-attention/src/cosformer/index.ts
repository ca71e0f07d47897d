export { cosformerAttention, cosformerFeatureMap } from './op.js';
export type { CosformerActivation, CosformerAttentionOptions } from './op.js';
export { CosformerAttention } from './layer.js';
export type { CosformerAttentionConfig } from './layer.js';
import './register.js';
