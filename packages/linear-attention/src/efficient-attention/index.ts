export { efficientAttention, efficientAttentionFeatures } from './op.js';
export type { EfficientAttentionOptions } from './op.js';
export { EfficientAttention } from './layer.js';
export type { EfficientAttentionConfig } from './layer.js';
import './register.js';
