export { aftFull } from './aft-full.js';
export type { AftFullOptions } from './aft-full.js';
export { AftFull } from './layer.js';
export type { AftFullConfig } from './layer.js';
import './register.js';
