export { slidingWindowAttention } from './op.js';
export type { SlidingWindowOptions } from './op.js';
export { LocalAttention } from './layer.js';
export type { LocalAttentionConfig } from './layer.js';
import './register.js';
