export { scaledDotProductAttention, softmaxAttentionWeights } from './op.js';
export type { ScaledDotProductOptions } from './op.js';
export { SoftmaxAttention } from './layer.js';
export type { SoftmaxAttentionConfig } from './layer.js';
export { softmaxKeyMaps } from './torch-keys.js';
import './register.js';
