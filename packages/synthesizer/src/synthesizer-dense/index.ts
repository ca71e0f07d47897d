export { denseSynthesizerLogits } from './op.js';
export type { DenseSynthesizerWeights } from './op.js';
export { DenseSynthesizer } from './layer.js';
import './register.js';
