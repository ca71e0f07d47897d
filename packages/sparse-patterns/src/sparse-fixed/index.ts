export { fixedAttention } from './op.js';
export type { FixedOptions } from './op.js';
export { SparseFixedAttention } from './layer.js';
export type { SparseFixedAttentionConfig } from './layer.js';
import './register.js';
