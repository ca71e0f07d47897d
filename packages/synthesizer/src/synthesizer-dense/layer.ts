import { SynthesizerAttention, type SynthesizerConfig } from '../shared/synthesizer-layer.js';

/** Dense Synthesizer (Tay et al. 2021, Eq. 1): each token's attention row is B_i = W₂σ_R(W₁x_i + b₁) + b₂, from that token alone. */
export class DenseSynthesizer extends SynthesizerAttention {
  static className = 'AttentionZoo>DenseSynthesizer';

  constructor(config: SynthesizerConfig) {
    super(config, ['dense']);
  }
}
