export { aftFull } from './op.js';
export type { AftFullOptions } from './op.js';
export { AftFull } from './layer.js';
export type { AftFullConfig } from './layer.js';
import './register.js';
