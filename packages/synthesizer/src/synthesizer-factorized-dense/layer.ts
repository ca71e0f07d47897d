import { SynthesizerAttention, type SynthesizerConfig } from '../shared/synthesizer-layer.js';

/** Factorized Dense Synthesizer (Tay et al. 2021, §3.1): B_i = H_A(F_A(x_i)) ⊙ H_B(F_B(x_i)) with factors of sizes a·b = ℓ. */
export class FactorizedDenseSynthesizer extends SynthesizerAttention {
  static className = 'AttentionZoo>FactorizedDenseSynthesizer';

  constructor(config: SynthesizerConfig) {
    super(config, ['factorized-dense']);
  }
}
