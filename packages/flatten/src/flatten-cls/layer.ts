import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionInputError,
  defineCapabilities,
  type MixContext,
} from '@attention-zoo/attention-core';
import { softmaxKeyMaps, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { FocusedLinearLayer, maskTokens, type FocusedLinearConfig } from '../shared/focused-layer.js';
import { patchDwcBranch } from './op.js';

export interface FLattenClsAttentionConfig extends FocusedLinearConfig {
  /**
   * Leading tokens outside the patch grid (DeiT: 1 class token; 2 with a
   * distillation token). Default: inferred when the layer is built, as
   * tokens − H·W (so 197 tokens on a 14×14 grid give 1).
   */
  clsTokens?: number;
}

/**
 * Focused Linear Attention for DeiT-style models with a class token. The
 * official repository has no DeiT model (its FLatten-DeiT-T was shared outside
 * it, issue #12), so this form follows the paper (Eq. 4, 6, 12) and makes one
 * choice the paper leaves open, documented here:
 *
 * - every token — class tokens and patches — takes part in the focused linear
 *   attention as query and key, with a positional encoding `[T, C]` on K over all T tokens;
 * - the DWC runs on the patch tokens' V laid out on the `grid`; the class tokens
 *   have no place on the grid, so they get no DWC term (and do not enter the patches' conv).
 *
 * Tokens: `clsTokens` class tokens first, then H·W patches in row-major order.
 * A key-padding mask `[B, T]` covers all T tokens: padded ones leave φ(K)ᵀV and its
 * normaliser, and padded patches' values are zeroed before the DWC.
 */
export class FLattenClsAttention extends FocusedLinearLayer {
  static className = 'AttentionZoo>FLattenClsAttention';
  static override capabilities = defineCapabilities({
    variableLength: false,
    needsGrid: true,
    classTokens: true,
    attentionMap: 'approximate',
    keyPaddingMask: true,
  });

  private cls: number | undefined;

  constructor(config: FLattenClsAttentionConfig) {
    super(config);
    this.cls = config.clsTokens ?? undefined; // range: the descriptor's options, checked by super
  }

  /** Class tokens in front of the grid (known once given or built). */
  get clsTokens(): number | undefined {
    return this.cls;
  }

  protected override positionalTokens(tokens: number): number {
    const [h, w] = this.grid!;
    const cls = tokens - h * w;
    if (cls < 0 || (this.cls !== undefined && cls !== this.cls)) {
      throw new AttentionInputError(
        `${this.who}: input has ${tokens} tokens but grid [${h}, ${w}] with ${this.cls ?? 'some'} class token(s) needs ${h * w + (this.cls ?? 0)}${this.cls === undefined ? ' or more' : ''}`,
      );
    }
    this.cls = cls;
    return tokens;
  }

  protected override checkGridTokens(tokens: number): void {
    if (this.cls === undefined) return; // not built yet: buildMixing infers and checks
    const [h, w] = this.grid!;
    if (tokens !== h * w + this.cls) {
      throw new AttentionInputError(
        `${this.who}: input has ${tokens} tokens but this layer holds ${this.cls} class token(s) + grid [${h}, ${w}] = ${h * w + this.cls}`,
      );
    }
  }

  protected override builtTokens(): number {
    return this.grid![0] * this.grid![1] + (this.cls ?? 1);
  }

  protected override positionalDescription(): string {
    return `${this.cls ?? 1} class token(s) + grid [${this.grid!.join(', ')}]`;
  }

  protected override mixTokens(x: tf.Tensor3D, _context: tf.Tensor3D, ctx: MixContext): tf.Tensor3D {
    const qkv = { q: this.project('q', x), k: this.project('k', x), v: this.project('v', x) };
    const mask = ctx.keyPaddingMask; // [B, T] float 0/1 over class tokens and patches
    // Focused linear attention over all T tokens; DWC over the patches only (class tokens get no DWC term),
    // with padded patches' values zeroed first.
    const dwc = patchDwcBranch(maskTokens(qkv.v, mask), this.cls!, this.read('dwc/kernel') as tf.Tensor4D, this.read('dwc/bias') as tf.Tensor1D, {
      numHeads: this.numHeads,
      grid: this.grid!,
    });
    return tf.add(this.focusedOutput(qkv, mask), dwc) as tf.Tensor3D;
  }

  protected override computeAttentionMap(x: tf.Tensor3D): tf.Tensor4D {
    return this.windowWeights(this.project('q', x), this.project('k', x));
  }

  protected override variantConfig(): Record<string, unknown> {
    return { ...super.variantConfig(), clsTokens: this.cls };
  }

  /** DeiT / timm keys: `qkv`, `proj`, and FLatten's `scale`, `positional_encoding`, `dwc`. */
  torchKeyMap(): StateDictKeyMap {
    return { ...softmaxKeyMaps.timm({ qkvBias: this.qkvBias }), ...this.sharedKeyMap() };
  }
}

