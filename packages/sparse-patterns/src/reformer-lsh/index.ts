export { lshAttention, SELF_LOGIT, MASKED_LOGIT } from './op.js';
export type { LshOptions } from './op.js';
export { lshRotations, hashBuckets } from './hashing.js';
export type { RotationsOptions } from './hashing.js';
export { LshAttention } from './layer.js';
export type { LshAttentionConfig } from './layer.js';
import './register.js';
