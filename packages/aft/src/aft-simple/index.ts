export { aftSimple } from './op.js';
export type { AftSimpleOptions } from './op.js';
export { runningMaxScan } from './running-max-scan.js';
export { AftSimple } from './layer.js';
export type { AftSimpleConfig } from './layer.js';
import './register.js';
