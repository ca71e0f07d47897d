export { linformerAttention, linformerAttentionWeights } from './linformer-attention.js';
export type { LinformerOptions, SequenceProjection } from './linformer-attention.js';
export { LinformerAttention } from './layer.js';
export type { LinformerAttentionConfig, LinformerSharing } from './layer.js';
export { SharedProjection } from './shared-projection.js';
export type { SharedProjectionConfig } from './shared-projection.js';
import './register.js';
