export { stridedAttention } from './op.js';
export type { StridedOptions } from './op.js';
export { StridedAttention } from './layer.js';
export type { StridedAttentionConfig } from './layer.js';
import './register.js';
