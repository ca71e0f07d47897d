import { SynthesizerAttention, type SynthesizerConfig } from '../shared/synthesizer-layer.js';

/** Random Synthesizer (Tay et al. 2021, §3.1): the attention logits are a learned `[heads, ℓ, ℓ]` matrix R (`fixed: true` keeps it at its random start), independent of the input. */
export class RandomSynthesizer extends SynthesizerAttention {
  static className = 'AttentionZoo>RandomSynthesizer';

  constructor(config: SynthesizerConfig) {
    super(config, ['random']);
  }
}
