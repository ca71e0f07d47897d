export { aftConv, checkKernelSize } from './op.js';
export type { AftConvOptions } from './op.js';
export { reparameterizeKernel } from './reparameterize.js';
export { AftConv } from './layer.js';
export type { AftConvConfig } from './layer.js';
import './register.js';
