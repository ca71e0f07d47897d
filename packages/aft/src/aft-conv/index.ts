export { aftConv, checkKernelSize } from './aft-conv.js';
export type { AftConvOptions } from './aft-conv.js';
export { reparameterizeKernel } from './reparameterize.js';
export { AftConv } from './layer.js';
export type { AftConvConfig } from './layer.js';
import './register.js';
