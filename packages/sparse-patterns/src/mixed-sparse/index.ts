export { MixedSparseAttention } from './layer.js';
export type { MixedSparseAttentionConfig, HeadPattern } from './layer.js';
import './register.js';
