export { sinkhornAttention, sinkhorn, sortMatrix } from './op.js';
export type { SinkhornOptions } from './op.js';
export { SinkhornAttention } from './layer.js';
export type { SinkhornAttentionConfig } from './layer.js';
import './register.js';
