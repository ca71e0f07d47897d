export { linformerAttention, linformerAttentionWeights } from './op.js';
export type { LinformerOptions, SequenceProjection } from './op.js';
export { LinformerAttention } from './layer.js';
export type { LinformerAttentionConfig, LinformerSharing } from './layer.js';
export { SharedProjection } from './shared-projection.js';
export type { SharedProjectionConfig } from './shared-projection.js';
import './register.js';
