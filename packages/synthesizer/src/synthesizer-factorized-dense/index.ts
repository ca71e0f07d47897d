export { factorizedDenseLogits } from './op.js';
export type { FactorizedDenseWeights } from './op.js';
export { FactorizedDenseSynthesizer } from './layer.js';
import './register.js';
