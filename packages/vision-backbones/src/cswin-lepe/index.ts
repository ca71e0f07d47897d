export { stripeAttention, stripePartition, stripeReverse } from './op.js';
export type { StripeAttentionOptions } from './op.js';
export { CSwinAttention, CSWIN_SPLIT } from './layer.js';
export type { CSwinAttentionConfig } from './layer.js';
import './register.js';
