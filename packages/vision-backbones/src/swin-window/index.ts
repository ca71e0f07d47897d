export { relativePositionIndex, shiftedWindowMask, windowAttention } from './op.js';
export type { WindowAttentionOptions } from './op.js';
export { SwinWindowAttention, SWIN_WINDOW } from './layer.js';
export type { SwinWindowAttentionConfig } from './layer.js';
import './register.js';
