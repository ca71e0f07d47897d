// A sum of the other forms' logits (Tay et al. 2021, §3.1 "Mixture of Synthesizers"), so no op of its own.
export { SynthesizerMix } from './layer.js';
export type { SynthesizerMixConfig } from './layer.js';
import './register.js';
