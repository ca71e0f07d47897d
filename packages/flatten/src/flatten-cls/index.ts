export { patchDwcBranch } from './op.js';
export { FLattenClsAttention } from './layer.js';
export type { FLattenClsAttentionConfig } from './layer.js';
import './register.js';
