export { scaledDotProductAttention, softmaxAttentionWeights } from './scaled-dot-product.js';
export type { ScaledDotProductOptions } from './scaled-dot-product.js';
export { SoftmaxAttention } from './layer.js';
export type { SoftmaxAttentionConfig } from './layer.js';
export { softmaxKeyMaps } from './state-dict-maps.js';
import './register.js';
