export { aftLocal } from './op.js';
export type { AftLocalOptions } from './op.js';
export { AftLocal } from './layer.js';
export type { AftLocalConfig } from './layer.js';
import './register.js';
