import { SynthesizerAttention, type SynthesizerConfig } from '../shared/synthesizer-layer.js';

/** Factorized Random Synthesizer (Tay et al. 2021, §3.1): R = R₁R₂ᵀ with R₁, R₂ ∈ R^{ℓ×k} per head. */
export class FactorizedRandomSynthesizer extends SynthesizerAttention {
  static className = 'AttentionZoo>FactorizedRandomSynthesizer';

  constructor(config: SynthesizerConfig) {
    super(config, ['factorized-random']);
  }
}
