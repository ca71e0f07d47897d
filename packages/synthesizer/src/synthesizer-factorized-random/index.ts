export { factorizedRandomLogits } from './op.js';
export { FactorizedRandomSynthesizer } from './layer.js';
import './register.js';
