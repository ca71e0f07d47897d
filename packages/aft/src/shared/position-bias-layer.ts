import type * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, type AttentionConfig } from '@attention-zoo/attention-core';
import { AftLayer } from './aft-layer.js';
import type { PositionBias } from './position-bias.js';

export interface PositionBiasConfig extends AttentionConfig {
  /**
   * d' of the paper's factorisation w = u vᵀ with u, v `[maxTokens, d']` (§3.2;
   * the paper uses 64–256). Default: none, a full learned w `[maxTokens, maxTokens]`.
   */
  factorDim?: number;
}

/** Init of w, u and v: N(0, 10⁻²), the paper's init of the factors (§4.2). */
const init = (seed: number | undefined) => initializers.randomNormal({ mean: 0, stddev: 0.1, seed });

/**
 * The layers with learned pair-wise position biases (AFT-full, AFT-local): w sized
 * `maxTokens`, full (`pos/w`) or factorised (`pos/u`, `pos/v`).
 */
export abstract class PositionBiasLayer extends AftLayer {
  readonly factorDim: number | undefined;

  constructor(config: PositionBiasConfig) {
    super(config);
    const f = config.factorDim ?? undefined;
    if (f !== undefined && !(Number.isInteger(f) && f > 0)) {
      throw new AttentionConfigError(`${this.who}: factorDim (d' of w = u vᵀ) must be a positive integer, got ${JSON.stringify(f)}`);
    }
    this.factorDim = f;
  }

  protected override buildMixing(): void {
    const n = this.maxTokens!;
    if (this.factorDim === undefined) {
      this.addPathWeight('pos/w', [n, n], init);
    } else {
      this.addPathWeight('pos/u', [n, this.factorDim], init);
      this.addPathWeight('pos/v', [n, this.factorDim], init);
    }
  }

  /** The biases for the ops: w `[maxTokens, maxTokens]` or `{ u, v }`. */
  protected positionBias(): PositionBias {
    if (this.factorDim === undefined) return this.weight('pos/w').read() as tf.Tensor2D;
    return { u: this.weight('pos/u').read() as tf.Tensor2D, v: this.weight('pos/v').read() as tf.Tensor2D };
  }

  protected override variantConfig(): Record<string, unknown> {
    return { factorDim: this.factorDim };
  }
}
