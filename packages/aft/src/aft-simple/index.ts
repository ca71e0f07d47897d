export { aftSimple } from './op.js';
export type { AftSimpleOptions } from './op.js';
// The causal stock chain's scan lives in core (kernels/aft-simple), beside the kernel it backs.
export { runningMaxScan } from '@attention-zoo/attention-core/kernels';
export { AftSimple } from './layer.js';
export type { AftSimpleConfig } from './layer.js';
import './register.js';
