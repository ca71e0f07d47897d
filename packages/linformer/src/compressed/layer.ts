import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  AttentionLayer,
  defineCapabilities,
  type AttentionConfig,
  type MixContext,
} from '@attention-zoo/attention-core';
import { mergeHeads, splitHeads } from '@attention-zoo/attention-core/ops';
import { compressSequence, compressedKeyMask, memoryCompressedAttention } from './op.js';

type Shape = (number | null)[];

export interface MemoryCompressedAttentionConfig extends AttentionConfig {
  /** Kernel size and stride c of the compressing convolutions; default 3 (the paper's). */
  compressionFactor?: number;
}

/**
 * Memory-compressed attention (Liu et al. 2018, "Generating Wikipedia", §4.2.3):
 * after the K and V projections, a strided convolution (kernel = stride = c)
 * shortens the keys and values c-fold; queries keep full length, so cost is
 * O(N·N/c·d). Causal: a query sees only compressed blocks that end at or before
 * it (block-causal). A key-padding mask zeroes the padded keys and values before the
 * convolution and drops blocks that hold only padding. Weights: `q`, `k`, `v`, `out`, `kConv/kernel` `[c, C, C]`,
 * `kConv/bias`, `vConv/kernel`, `vConv/bias`.
 */
export class MemoryCompressedAttention extends AttentionLayer {
  static className = 'AttentionZoo>MemoryCompressedAttention';
  static override capabilities = defineCapabilities({ causal: true, keyPaddingMask: true, crossAttention: true });

  readonly compressionFactor: number;

  constructor(config: MemoryCompressedAttentionConfig) {
    super(config);
    this.compressionFactor = config.compressionFactor ?? 3; // range: the descriptor's options
  }

  /** Refuses, when it is built on a known sequence, a stride longer than the keys (a backbone's last, smallest stage). */
  override build(inputShape: Shape | Shape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
    const keys = (shapes[1] ?? shapes[0])![1];
    if (keys != null && keys < this.compressionFactor) {
      throw new AttentionConfigError(`${this.who}: compressionFactor ${this.compressionFactor} is larger than the sequence (${keys} tokens): no complete block to compress`);
    }
    super.build(inputShape);
  }

  protected override buildMixing(): void {
    const [c, d] = [this.compressionFactor, this.dim];
    for (const p of ['kConv', 'vConv']) {
      this.addPathWeight(`${p}/kernel`, [c, d, d]);
      this.addPathWeight(`${p}/bias`, [d]);
    }
  }

  private compress(p: 'kConv' | 'vConv', x: tf.Tensor3D): tf.Tensor3D {
    return compressSequence(x, { kernel: this.weight(`${p}/kernel`).read() as tf.Tensor3D, bias: this.weight(`${p}/bias`).read() as tf.Tensor1D });
  }

  protected override mixTokens(x: tf.Tensor3D, context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const h = this.numHeads;
    const q = splitHeads(this.project('q', x), h); // [B, H, N, dh]
    // Padding: zero the padded keys and values before the convolution, drop blocks of padding only.
    const mask = ctx.keyPaddingMask;
    const real = (t: tf.Tensor3D) => (mask ? (tf.mul(t, tf.expandDims(mask, 2)) as tf.Tensor3D) : t);
    const kc = splitHeads(this.compress('kConv', real(this.project('k', context))), h); // [B, H, ⌈M/c⌉, dh]
    const vc = splitHeads(this.compress('vConv', real(this.project('v', context))), h);
    const y = memoryCompressedAttention(q, kc, vc, {
      compressionFactor: this.compressionFactor,
      causal: this.causal,
      keyPaddingMask: mask && compressedKeyMask(mask, this.compressionFactor),
      dropout: this.dropout,
      training: ctx.training,
      seed: ctx.seed,
    });
    return mergeHeads(y);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { compressionFactor: this.compressionFactor };
  }
}
