import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import {
  AttentionConfigError,
  defineCapabilities,
  type AttentionConfig,
  type Projection,
} from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { AftLayer } from '../shared/aft-layer.js';
import { aftConv, checkKernelSize } from './op.js';
import { reparameterizeKernel } from './reparameterize.js';

export interface AftConvConfig extends AttentionConfig {
  /** s of the per-head s×s kernel; odd. Default 7 (the paper's ImageNet models use 11–15 on 14×14). */
  kernelSize?: number;
  /** Train the kernel through w ← γ (w − mean w) / std w + β per head (§3.2). Default true. */
  reparameterize?: boolean;
  /** Initial γ of the re-parameterisation. Default 0 (the paper's: AFT-conv starts as AFT-simple). */
  gammaInit?: number;
}

/**
 * AFT-conv (Zhai et al. 2021, Eq. 6), "AFT-conv-h-s" with h = numHeads: per head, a
 * depthwise s×s convolution with kernel exp(w^i) − 1 over the token grid plus the
 * global sums. K has one channel per head (`k/kernel` is [dim, numHeads]); Q and V are
 * [dim, dim]. Fully convolutional: no position embedding, no maxTokens.
 * Weights: `q/*`, `v/*`, `out/*`, `k/kernel` [dim, h], `k/bias` [h], `pos/w` [h, s, s],
 * and with `reparameterize` `pos/gamma`, `pos/beta` [h].
 */
export class AftConv extends AftLayer {
  static className = 'AttentionZoo>AftConv';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    attentionMap: 'approximate',
    noKeyPaddingMaskReason: 'its tokens are the H×W pixels of a fixed grid under a spatial convolution kernel, so no token is padding',
  });

  readonly kernelSize: number;
  readonly reparameterize: boolean;
  readonly gammaInit: number;

  constructor(config: AftConvConfig) {
    super(config);
    this.kernelSize = config.kernelSize ?? 7;
    checkKernelSize(this.kernelSize, this.grid!, this.who);
    this.reparameterize = config.reparameterize ?? true;
    if (typeof this.reparameterize !== 'boolean') {
      throw new AttentionConfigError(`${this.who}: reparameterize must be a boolean, got ${JSON.stringify(config.reparameterize)}`);
    }
    this.gammaInit = config.gammaInit ?? 0;
    if (typeof this.gammaInit !== 'number' || !Number.isFinite(this.gammaInit)) {
      throw new AttentionConfigError(`${this.who}: gammaInit must be a finite number, got ${JSON.stringify(config.gammaInit)}`);
    }
  }

  /** K gets its own [dim, numHeads] projection (below); Q and V are [dim, dim]. */
  protected override projections(): readonly Projection[] {
    return ['q', 'v'];
  }

  protected override buildMixing(): void {
    const [h, s] = [this.numHeads, this.kernelSize];
    this.addPathWeight('k/kernel', [this.dim, h]);
    if (this.qkvBias) this.addPathWeight('k/bias', [h]);
    if (this.reparameterize) {
      // Standardised per head before use, so any non-constant start works; γ = β = 0 makes exp(w) − 1 = 0.
      this.addPathWeight('pos/w', [h, s, s], (seed) => initializers.randomNormal({ mean: 0, stddev: 1, seed }));
      this.addPathWeight('pos/gamma', [h], initializers.constant({ value: this.gammaInit }));
      this.addPathWeight('pos/beta', [h], 'zeros');
    } else {
      this.addPathWeight('pos/w', [h, s, s], 'zeros'); // exp(0) − 1 = 0: starts as AFT-simple
    }
  }

  /** The kernels w^i `[heads, s, s]` the convolution uses (after the re-parameterisation, if on). */
  kernel(): tf.Tensor3D {
    const w = this.weight('pos/w').read() as tf.Tensor3D;
    if (!this.reparameterize) return tf.clone(w);
    return reparameterizeKernel(w, this.weight('pos/gamma').read() as tf.Tensor1D, this.weight('pos/beta').read() as tf.Tensor1D);
  }

  /** q, v `[B, T, dim]`, k `[B, T, heads]` → per-head AFT-conv → `[B, T, dim]`. */
  protected override aft(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    const h = this.numHeads;
    return mergeHeads(aftConv(splitHeads(q, h), splitHeads(k, h), splitHeads(v, h), this.kernel(), { grid: this.grid! }));
  }

  /** w_{t,t'} = w^i at offset t' − t inside the s×s window, 0 outside: `[heads, T, T]`. */
  protected override impliedBias(tokens: number): tf.Tensor3D {
    const [h, s] = [this.numHeads, this.kernelSize];
    const gw = this.grid![1];
    const r = (s - 1) / 2;
    const idx = new Int32Array(tokens * tokens);
    for (let t = 0; t < tokens; t++) {
      for (let u = 0; u < tokens; u++) {
        const dy = Math.floor(u / gw) - Math.floor(t / gw);
        const dx = (u % gw) - (t % gw);
        idx[t * tokens + u] = Math.abs(dy) <= r && Math.abs(dx) <= r ? (dy + r) * s + (dx + r) : s * s;
      }
    }
    return tf.tidy(() => {
      const flat = tf.concat([tf.reshape(this.kernel(), [h, s * s]), tf.zeros([h, 1])], 1); // the last column is "outside"
      return tf.reshape(tf.gather(flat, tf.tensor1d(idx, 'int32'), 1), [h, tokens, tokens]) as tf.Tensor3D;
    });
  }

  protected override variantConfig(): Record<string, unknown> {
    return { kernelSize: this.kernelSize, reparameterize: this.reparameterize, gammaInit: this.gammaInit };
  }
}

