export { lepe, LEPE_KERNEL } from './op.js';
export { FLattenCSwinAttention } from './layer.js';
export type { FLattenCSwinAttentionConfig } from './layer.js';
export { FLattenCSwinBlock } from './block.js';
export type { FLattenCSwinBlockConfig } from './block.js';
import './register.js';
