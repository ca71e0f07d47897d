export { hydraAttention, hydraAttentionWeights } from './op.js';
export type { HydraAttentionOptions } from './op.js';
export { HydraAttention } from './layer.js';
export type { HydraAttentionConfig } from './layer.js';
import './register.js';
