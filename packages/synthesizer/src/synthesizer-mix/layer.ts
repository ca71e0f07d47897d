import { AttentionConfigError } from '@attention-zoo/attention-core';
import { SynthesizerAttention, type SynthesizerComponent, type SynthesizerConfig } from '../shared/synthesizer-layer.js';

export interface SynthesizerMixConfig extends SynthesizerConfig {
  /** The logit sources to mix; default `['random', 'dot']` (the paper's R+V). `['dense', 'dot']` is D+V. */
  components?: SynthesizerComponent[];
}

/**
 * Mixture of Synthesizers (Tay et al. 2021, §3.1): softmax(Σⱼ αⱼ Sⱼ(X)) G(X) with
 * learned α = softmax(θ) (Σα = 1), e.g. Random + dot product (R+V) or Dense +
 * dot product (D+V). Weights: the components' own, q/k when `dot` is mixed in,
 * and `alpha` (θ, one per component).
 */
export class SynthesizerMix extends SynthesizerAttention {
  static className = 'AttentionZoo>SynthesizerMix';

  constructor(config: SynthesizerMixConfig) {
    const components = config?.components ?? ['random', 'dot'];
    super(config, components);
    if (components.length < 2) {
      throw new AttentionConfigError(`${this.who}: a mixture needs at least two components, got [${components.join(', ')}]`);
    }
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), components: [...this.components] };
  }
}
