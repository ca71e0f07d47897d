export { windowedMap } from './op.js';
export { FLattenSwinAttention, FLATTEN_SWIN_WINDOW } from './layer.js';
export type { FLattenSwinAttentionConfig } from './layer.js';
export { FLattenSwinBlock } from './block.js';
export type { FLattenSwinBlockConfig } from './block.js';
import './register.js';
