import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError, AttentionInputError, type MixContext } from '@attention-zoo/attention-core';
import { KernelizedAttention, type FeaturePair, type KernelizedAttentionConfig } from '../shared/kernelized-layer.js';
import { favorFeatureMap } from './op.js';
import { orthogonalRandomFeatures } from './projection.js';

export interface PerformerAttentionConfig extends KernelizedAttentionConfig {
  /** Number of random features m (official `nb_features`); default 256. */
  numFeatures?: number;
  /** Orthogonal random features (FAVOR+); default true. */
  orthogonal?: boolean;
  /** Row lengths of ω: 0 = χ(d) (default, official), 1 = √d. */
  orthoScaling?: 0 | 1;
  /** ε added to every feature after the exponential (official `numerical_stabilizer`); default 1e-6. */
  numericalStabilizer?: number;
}

/** Seed offset between successive draws of a seeded layer, so every redraw is new but reproducible. */
const DRAW_STRIDE = 1_000_003;

/**
 * Performer attention with FAVOR+ (Choromanski et al. 2021): softmax
 * attention approximated by positive orthogonal random features,
 * out = D⁻¹φ(Q)(φ(K)ᵀV). The projection ω `[numFeatures, headDim]` is a
 * non-trainable weight at `features/projection`, shared by all heads, saved
 * with the model. It is drawn once at build (from `seed` when given) and
 * redrawn only on demand: `redrawFeatures()`, or `setProjection(ω)`.
 * `eps` (added to D) defaults to 1e-30, a 0/0 guard only.
 */
export class PerformerAttention extends KernelizedAttention {
  static className = 'AttentionZoo>PerformerAttention';

  readonly numFeatures: number;
  readonly orthogonal: boolean;
  readonly orthoScaling: 0 | 1;
  readonly numericalStabilizer: number;
  private draws = 0;

  constructor(config: PerformerAttentionConfig) {
    super(config, 1e-30);
    this.numFeatures = config.numFeatures ?? 256;
    if (!Number.isInteger(this.numFeatures) || this.numFeatures < 1) {
      throw new AttentionConfigError(`${this.who}: numFeatures must be a positive integer (at least 1 random feature), got ${JSON.stringify(config.numFeatures)}`);
    }
    this.orthogonal = config.orthogonal ?? true;
    if (typeof this.orthogonal !== 'boolean') throw new AttentionConfigError(`${this.who}: orthogonal must be a boolean, got ${JSON.stringify(config.orthogonal)}`);
    this.orthoScaling = config.orthoScaling ?? 0;
    if (this.orthoScaling !== 0 && this.orthoScaling !== 1) {
      throw new AttentionConfigError(`${this.who}: orthoScaling must be 0 (χ(d) row lengths) or 1 (length √d), got ${JSON.stringify(config.orthoScaling)}`);
    }
    this.numericalStabilizer = config.numericalStabilizer ?? 1e-6;
    if (typeof this.numericalStabilizer !== 'number' || !(this.numericalStabilizer >= 0) || !Number.isFinite(this.numericalStabilizer)) {
      throw new AttentionConfigError(`${this.who}: numericalStabilizer must be a finite number ≥ 0, got ${JSON.stringify(config.numericalStabilizer)}`);
    }
  }

  protected override buildMixing(): void {
    this.draw(this.addPathWeight('features/projection', [this.numFeatures, this.headDim], 'zeros', false));
  }

  private get projectionWeight(): LayerVariable {
    if (!this.built) throw new Error(`${this.who}: the layer is not built yet (call it once, or build it, before touching its projection)`);
    return this.weight('features/projection');
  }

  /**
   * Draws a new projection ω. `seed` makes the draw reproducible; without it
   * a seeded layer takes the next seed of its own sequence (`seed`, then
   * `seed + 1000003`, …) and an unseeded one a random draw. Call it, e.g., every
   * 1000 training steps (performer-pytorch's `feature_redraw_interval`).
   */
  redrawFeatures(seed?: number): void {
    this.draw(this.projectionWeight, seed);
  }

  private draw(target: LayerVariable, seed?: number): void {
    const s = seed ?? (this.seed === undefined ? undefined : this.seed + DRAW_STRIDE * this.draws);
    this.draws++;
    const omega = orthogonalRandomFeatures(this.numFeatures, this.headDim, { seed: s, scaling: this.orthoScaling, orthogonal: this.orthogonal });
    target.write(omega);
    omega.dispose();
  }

  /** Uses the given projection ω `[numFeatures, headDim]` (e.g. one from PyTorch) from now on. */
  setProjection(omega: tf.Tensor2D): void {
    const want = [this.numFeatures, this.headDim];
    if (!(omega instanceof tf.Tensor) || omega.shape.join() !== want.join()) {
      throw new AttentionInputError(`${this.who}: projection must be [numFeatures=${want[0]}, headDim=${want[1]}], got ${omega instanceof tf.Tensor ? `[${omega.shape.join(', ')}]` : String(omega)}`);
    }
    const w = tf.cast(omega, 'float32');
    this.projectionWeight.write(w);
    w.dispose();
  }

  /** The current projection ω `[numFeatures, headDim]` (a copy). */
  projection(): tf.Tensor2D {
    return tf.clone(this.projectionWeight.read()) as tf.Tensor2D;
  }

  protected override featureDim(): number {
    return this.numFeatures;
  }

  protected override features(q: tf.Tensor4D, k: tf.Tensor4D, ctx: Pick<MixContext, 'keyPaddingMask'>): FeaturePair {
    const omega = this.weight('features/projection').read() as tf.Tensor2D;
    const numericalStabilizer = this.numericalStabilizer;
    return {
      phiQ: favorFeatureMap(q, omega, { isQuery: true, numericalStabilizer }),
      phiK: favorFeatureMap(k, omega, {
        isQuery: false,
        numericalStabilizer,
        keyPaddingMask: ctx.keyPaddingMask,
        keyShift: this.causal ? 'bound' : 'max', // causal: no dependence on later keys (see performerAttention)
      }),
    };
  }

  protected override variantConfig(): Record<string, unknown> {
    return {
      ...super.variantConfig(),
      numFeatures: this.numFeatures,
      orthogonal: this.orthogonal,
      orthoScaling: this.orthoScaling,
      numericalStabilizer: this.numericalStabilizer,
    };
  }
}
