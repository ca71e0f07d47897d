export { longformerAttention } from './op.js';
export type { LongformerOptions } from './op.js';
export { LongformerAttention } from './layer.js';
export type { LongformerAttentionConfig } from './layer.js';
import './register.js';
