export { aftLocal } from './aft-local.js';
export type { AftLocalOptions } from './aft-local.js';
export { AftLocal } from './layer.js';
export type { AftLocalConfig } from './layer.js';
import './register.js';
