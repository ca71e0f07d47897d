import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
  type Projection,
} from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { denseSynthesizerLogits } from '../synthesizer-dense/op.js';
import { factorizedDenseLogits } from '../synthesizer-factorized-dense/op.js';
import { factorizedRandomLogits } from '../synthesizer-factorized-random/op.js';
import { randomSynthesizerLogits } from '../synthesizer-random/op.js';
import { syntheticAttention, syntheticAttentionWeights } from './synthetic-attention.js';

/** A source of attention logits (Tay et al. 2021, §3): synthetic ones, or `dot` = Q·Kᵀ/√d (the "V" of R+V, D+V). */
export type SynthesizerComponent = 'dense' | 'random' | 'factorized-dense' | 'factorized-random' | 'dot';
export const SYNTHESIZER_COMPONENTS: readonly SynthesizerComponent[] = ['dense', 'random', 'factorized-dense', 'factorized-random', 'dot'];

export interface SynthesizerConfig extends AttentionConfig {
  /** Random: keep R at its random initial value ("Fixed Random", §3.1) instead of training it. Default false. */
  fixed?: boolean;
  /** Factorized Random: rank k of R = R₁R₂ᵀ, R₁, R₂ ∈ R^{ℓ×k}. Default 8. */
  k?: number;
  /** Factorized Dense: [a, b] with a·b = maxTokens; default the most square pair. */
  factors?: [number, number];
}

/** The most square [a, b] with a·b = l and a ≤ b. */
function squareFactors(l: number): [number, number] {
  let a = Math.floor(Math.sqrt(l));
  while (l % a !== 0) a--;
  return [a, l / a];
}

const uniform = (bound: number) => (seed: number | undefined) => initializers.randomUniform({ minval: -bound, maxval: bound, seed });

/**
 * Synthesizer attention (Tay et al. 2021): Y = softmax(Σⱼ αⱼ Sⱼ(X)) · G(X), where
 * each Sⱼ synthesizes `[N, N]` logits without token–token dot products (or is the
 * dot product itself), G is the value projection and α = softmax(θ) are learned
 * mixture weights (Σα = 1; only with more than one component). Causal masking
 * and key padding apply to the summed logits.
 *
 * The N×N weights are the variant itself (the paper's point is where they come
 * from, not their cost): time and memory are O(N²) per head, as in the paper.
 */
export abstract class SynthesizerAttention extends AttentionLayer {
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, needsMaxTokens: true, attentionMap: 'exact', incremental: 'cache' });

  readonly components: readonly SynthesizerComponent[];
  readonly fixed: boolean;
  readonly k: number;
  readonly factors: [number, number];

  constructor(config: SynthesizerConfig, components: readonly SynthesizerComponent[]) {
    super(config);
    if (!Array.isArray(components) || components.length === 0) {
      throw new AttentionConfigError(`${this.who}: components must be a non-empty list of ${SYNTHESIZER_COMPONENTS.join(', ')}`);
    }
    for (const [i, c] of components.entries()) {
      if (!SYNTHESIZER_COMPONENTS.includes(c)) throw new AttentionConfigError(`${this.who}: unknown component ${JSON.stringify(c)}; use ${SYNTHESIZER_COMPONENTS.join(', ')}`);
      if (components.indexOf(c) !== i) throw new AttentionConfigError(`${this.who}: component '${c}' is listed twice`);
    }
    if (components.length === 1 && components[0] === 'dot') throw new AttentionConfigError(`${this.who}: 'dot' alone is softmax attention; mix it with a synthetic component`);
    this.components = [...components];
    this.fixed = config.fixed ?? false;
    if (typeof this.fixed !== 'boolean') throw new AttentionConfigError(`${this.who}: fixed must be a boolean, got ${JSON.stringify(config.fixed)}`);
    const l = this.maxTokens!;
    this.k = config.k ?? 8;
    if (!(Number.isInteger(this.k) && this.k >= 1)) throw new AttentionConfigError(`${this.who}: k must be an integer ≥ 1, got ${JSON.stringify(config.k)}`);
    this.factors = config.factors ?? squareFactors(l);
    const [a, b] = this.factors;
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 1 && b >= 1 && a * b === l)) {
      throw new AttentionConfigError(`${this.who}: factors must be two integers ≥ 1 with a·b = maxTokens ${l}, got ${JSON.stringify(config.factors)}`);
    }
  }

  protected has(c: SynthesizerComponent): boolean {
    return this.components.includes(c);
  }

  /** Only G (the value projection) unless the dot product is mixed in. */
  protected override projections(): readonly Projection[] {
    return this.has('dot') ? ['q', 'k', 'v'] : ['v'];
  }

  protected override buildMixing(): void {
    const [d, h, dh, l, k] = [this.dim, this.numHeads, this.headDim, this.maxTokens!, this.k];
    if (this.has('dense')) {
      this.addPathWeight('dense/w1/kernel', [d, d]);
      this.addPathWeight('dense/w1/bias', [d]);
      this.addPathWeight('dense/w2/kernel', [h, dh, l], uniform(Math.sqrt(6 / (dh + l))));
      this.addPathWeight('dense/w2/bias', [h, l]);
    }
    if (this.has('random')) this.addPathWeight('random/R', [h, l, l], uniform(Math.sqrt(6 / (2 * l))), !this.fixed);
    if (this.has('factorized-random')) {
      this.addPathWeight('random/R1', [h, l, k], uniform(Math.sqrt(6 / (l + k))), !this.fixed);
      this.addPathWeight('random/R2', [h, l, k], uniform(Math.sqrt(6 / (l + k))), !this.fixed);
    }
    if (this.has('factorized-dense')) {
      const [a, b] = this.factors;
      this.addPathWeight('fdense/w1/kernel', [d, d]);
      this.addPathWeight('fdense/w1/bias', [d]);
      this.addPathWeight('fdense/wa/kernel', [h, dh, a], uniform(Math.sqrt(6 / (dh + a))));
      this.addPathWeight('fdense/wa/bias', [h, a]);
      this.addPathWeight('fdense/wb/kernel', [h, dh, b], uniform(Math.sqrt(6 / (dh + b))));
      this.addPathWeight('fdense/wb/bias', [h, b]);
    }
    // Mixture weights θ, α = softmax(θ); zeros → every component weighs 1/J at the start.
    if (this.components.length > 1) this.addPathWeight('alpha', [this.components.length], 'zeros');
  }

  private read<T extends tf.Tensor>(path: string): T {
    return this.weight(path).read() as T;
  }

  /** One component's logits: `[batch|1, heads, N, keys]` (keys default N). */
  private componentLogits(c: SynthesizerComponent, x: tf.Tensor3D, keys = x.shape[1]): tf.Tensor4D {
    const n = x.shape[1];
    switch (c) {
      case 'dense':
        return denseSynthesizerLogits(x, {
          w1: this.read<tf.Tensor2D>('dense/w1/kernel'),
          b1: this.read<tf.Tensor1D>('dense/w1/bias'),
          w2: this.read<tf.Tensor3D>('dense/w2/kernel'),
          b2: this.read<tf.Tensor2D>('dense/w2/bias'),
        }, keys);
      case 'random':
        return randomSynthesizerLogits(this.read<tf.Tensor3D>('random/R'), n);
      case 'factorized-random':
        return factorizedRandomLogits(this.read<tf.Tensor3D>('random/R1'), this.read<tf.Tensor3D>('random/R2'), n);
      case 'factorized-dense':
        return factorizedDenseLogits(x, {
          w1: this.read<tf.Tensor2D>('fdense/w1/kernel'),
          b1: this.read<tf.Tensor1D>('fdense/w1/bias'),
          wa: this.read<tf.Tensor3D>('fdense/wa/kernel'),
          ba: this.read<tf.Tensor2D>('fdense/wa/bias'),
          wb: this.read<tf.Tensor3D>('fdense/wb/kernel'),
          bb: this.read<tf.Tensor2D>('fdense/wb/bias'),
        }, keys);
      case 'dot': {
        const q = splitHeads(this.project('q', x), this.numHeads);
        const k = splitHeads(this.project('k', x), this.numHeads);
        return tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.headDim)) as tf.Tensor4D; // QKᵀ/√d: [B, H, N, N]
      }
    }
  }

  /** Σⱼ αⱼ Sⱼ(X) with α = softmax(θ) (Tay et al. 2021, §3.1 "Mixture of Synthesizers"). */
  protected logits(x: tf.Tensor3D): tf.Tensor4D {
    const parts = this.components.map((c) => this.componentLogits(c, x));
    if (parts.length === 1) return parts[0]!;
    const alpha = tf.softmax(this.read<tf.Tensor1D>('alpha'));
    return parts
      .map((p, j) => tf.mul(p, tf.reshape(tf.slice(alpha, [j], [1]), [1, 1, 1, 1])) as tf.Tensor4D)
      .reduce((acc, p) => tf.add(acc, p) as tf.Tensor4D);
  }

  /**
   * Row t of one component's logits, for query t over keys 0 … t: `[batch|1, heads, 1, t + 1]`.
   * x is token t `[B, 1, dim]`; `keys` are the cached key heads (the `dot` component).
   */
  private componentRow(c: SynthesizerComponent, x: tf.Tensor3D, t: number, keys: tf.Tensor4D | undefined): tf.Tensor4D {
    const h = this.numHeads;
    switch (c) {
      case 'dense':
      case 'factorized-dense':
        return this.componentLogits(c, x, t + 1); // a function of x_t alone: [B, H, 1, t+1]
      case 'random': {
        const r = this.read<tf.Tensor3D>('random/R');
        return tf.reshape(tf.slice(r, [0, t, 0], [h, 1, t + 1]), [1, h, 1, t + 1]) as tf.Tensor4D; // R[:, t, :t+1]
      }
      case 'factorized-random': {
        const [r1, r2] = [this.read<tf.Tensor3D>('random/R1'), this.read<tf.Tensor3D>('random/R2')];
        const k = r1.shape[2];
        return tf.expandDims(tf.matMul(tf.slice(r1, [0, t, 0], [h, 1, k]), tf.slice(r2, [0, 0, 0], [h, t + 1, k]), false, true), 0) as tf.Tensor4D; // (R₁R₂ᵀ)[t, :t+1]
      }
      case 'dot': {
        const q = splitHeads(this.project('q', x), h);
        return tf.mul(tf.matMul(q, keys!, false, true), 1 / Math.sqrt(this.headDim)) as tf.Tensor4D;
      }
    }
  }

  protected override initialMixState(batch: number): Record<string, tf.Tensor> {
    const empty = (): tf.Tensor4D => tf.zeros([batch, this.numHeads, 0, this.headDim]);
    return this.has('dot') ? { v: empty(), k: empty() } : { v: empty() };
  }

  /**
   * Eq. 2 at token t: row t of the (mixed) synthesized logits over keys 0 … t, one softmax,
   * times the cached values. The logits of a position pair are fixed by the weights (Random) or
   * by the query token (Dense), but every earlier value is needed: a cache, O(t·d) per token.
   */
  protected override stepTokens(x: tf.Tensor3D, state: Readonly<Record<string, tf.Tensor>>, t: number): { mixed: tf.Tensor3D; tensors: Record<string, tf.Tensor> } {
    const h = this.numHeads;
    const values = tf.concat([state['v'] as tf.Tensor4D, splitHeads(this.project('v', x), h)], 2); // [B, H, t+1, dh]
    const keys = this.has('dot') ? tf.concat([state['k'] as tf.Tensor4D, splitHeads(this.project('k', x), h)], 2) : undefined;
    const parts = this.components.map((c) => this.componentRow(c, x, t, keys));
    const alpha = parts.length > 1 ? tf.softmax(this.read<tf.Tensor1D>('alpha')) : undefined;
    const logits = parts
      .map((p, j) => (alpha ? tf.mul(p, tf.reshape(tf.slice(alpha, [j], [1]), [1, 1, 1, 1])) : p))
      .reduce((acc, p) => tf.add(acc, p)) as tf.Tensor4D;
    const out = syntheticAttention(logits, values); // [B, H, 1, dh]
    return { mixed: mergeHeads(out), tensors: keys ? { v: values, k: keys } : { v: values } };
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const v = splitHeads(this.project('v', x), this.numHeads); // G(X): [B, H, N, dh]
    return mergeHeads(
      syntheticAttention(this.logits(x), v, {
        causal: this.causal,
        keyPaddingMask: ctx.keyPaddingMask,
        dropout: this.dropout,
        training: ctx.training,
        seed: ctx.seed,
      }),
    );
  }

  protected override computeAttentionMap(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor4D {
    const a = syntheticAttentionWeights(this.logits(x), { causal: this.causal, keyPaddingMask: ctx.keyPaddingMask });
    return a.shape[0] === x.shape[0] ? a : tf.tile(a, [x.shape[0], 1, 1, 1]);
  }

  protected override variantConfig(): Record<string, unknown> {
    const own: Record<string, unknown> = {};
    if (this.has('random') || this.has('factorized-random')) own['fixed'] = this.fixed;
    if (this.has('factorized-random')) own['k'] = this.k;
    if (this.has('factorized-dense')) own['factors'] = this.factors;
    return own;
  }
}
