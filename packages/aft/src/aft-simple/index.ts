export { aftSimple } from './aft-simple.js';
export type { AftSimpleOptions } from './aft-simple.js';
export { runningMaxScan } from './running-max-scan.js';
export { AftSimple } from './layer.js';
export type { AftSimpleConfig } from './layer.js';
import './register.js';
