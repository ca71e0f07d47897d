export { randomSynthesizerLogits } from './op.js';
export { RandomSynthesizer } from './layer.js';
import './register.js';
