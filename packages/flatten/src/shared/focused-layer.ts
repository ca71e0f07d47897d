import * as tf from '@tensorflow/tfjs-core';
import {
  AttentionConfigError,
  AttentionLayer,
  option,
  WeightLoadError,
  type AttentionConfig,
  type OptionSchemas,
} from '@attention-zoo/attention-core';
import { splitHeads } from '@attention-zoo/attention-core/ops';
import { focusedLinearAttentionKernel } from '@attention-zoo/attention-core/kernels';
import {
  loadStateDict,
  torch,
  type HostTensor,
  type LoadStateDictOptions,
  type LoadStateDictReport,
  type StateDictKeyMap,
} from '@attention-zoo/attention-core/weights';
import { dropLeadingOnes } from './drop-leading-ones.js';
import { dwcBranch } from './dwc.js';
import { focusedLinearWeights } from './focused-linear.js';
import { focusedKernel } from './focusing.js';

type Shape = (number | null)[];

/**
 * Tokens `[B, N, C]` with the padded ones (mask `[B, N]` float 0/1, 0 = padding) set to zero;
 * unchanged without a mask. A multiply, not a select: the mask is float 0/1 already (core's
 * `keyPaddingReal` in the base layer), and 0·x is 0 for any finite padded content.
 */
export function maskTokens(x: tf.Tensor3D, mask: tf.Tensor2D | undefined): tf.Tensor3D {
  if (!mask) return x;
  return tf.mul(x, tf.reshape(mask, [mask.shape[0], mask.shape[1], 1])) as tf.Tensor3D;
}

/** The declared options every FLatten form shares (its register.ts spreads them into `options`). */
export const FOCUSED_OPTIONS = {
  // p of the focusing function f_p (Eq. 5); the official configs use 3.
  focusingFactor: option.positive().max(64),
  // Zero padding k//2 keeps the grid only for an odd kernel.
  kernelSize: option.int(1, 63).refine((k) => k % 2 === 1, 'expected an odd kernel size (zero padding k//2 keeps the grid)'),
} satisfies OptionSchemas;

/** Options every FLatten form shares (camelCase of the official `focusing_factor`, `kernel_size`). */
export interface FocusedLinearConfig extends AttentionConfig {
  /** p of the focusing function f_p (official `focusing_factor`). Default 3. */
  focusingFactor?: number;
  /** Kernel size of the DWC rank-restoration branch (official `kernel_size`). Default 5. */
  kernelSize?: number;
}

/** q, k, v of one window (or of the whole map), already projected: `[B', n, C]`. */
export interface WindowQKV {
  q: tf.Tensor3D;
  k: tf.Tensor3D;
  v: tf.Tensor3D;
}

/**
 * What the FLatten forms share (Han et al. 2023; official `FocusedLinearAttention`):
 * weights `scale [C]` (softplus temperature, zero-initialised), `positionalEncoding [n, C]`
 * (learnable, added to K only, zero-initialised), `dwc/kernel [k, k, d, 1]` and `dwc/bias [d]`
 * (one depthwise conv shared by all heads); the focused kernel over all channels; the
 * linear attention with K^T V first; the DWC branch; official state_dict loading.
 *
 * The official modules construct `attn_drop` but never apply it; so does this layer
 * (`dropout` is accepted and ignored). `projDropout` applies after the output projection.
 */
export abstract class FocusedLinearLayer extends AttentionLayer {
  readonly focusingFactor: number;
  readonly kernelSize: number;

  constructor(config: FocusedLinearConfig) {
    super(config);
    this.focusingFactor = config.focusingFactor ?? 3;
    this.kernelSize = config.kernelSize ?? 5; // types and ranges: FOCUSED_OPTIONS, checked by super
  }

  /** Rows of the positional encoding: key tokens of one window, for an input of `tokens` tokens. */
  protected abstract positionalTokens(tokens: number): number;

  /** The official `state_dict` keys of this module → weight paths (see `loadTorchStateDict`). */
  abstract torchKeyMap(): StateDictKeyMap;

  protected override buildMixing(inputShape: Shape): void {
    const tokens = inputShape[1];
    if (tokens == null) throw new AttentionConfigError(`${this.who}: the token count must be known when the layer is built (its positional encoding has one row per token)`);
    const d = this.headDim;
    const k = this.kernelSize;
    this.addPathWeight('scale', [this.dim], 'zeros');
    this.addPathWeight('positionalEncoding', [this.positionalTokens(tokens), this.dim], 'zeros');
    this.addPathWeight('dwc/kernel', [k, k, d, 1]);
    this.addPathWeight('dwc/bias', [d]);
  }

  protected override variantConfig(): Record<string, unknown> {
    return { focusingFactor: this.focusingFactor, kernelSize: this.kernelSize };
  }

  protected read(path: string): tf.Tensor {
    return this.weight(path).read();
  }

  /** φ_p(q) and φ_p(k + positional encoding), norms over all C channels, then split into heads. */
  protected features(q: tf.Tensor3D, k: tf.Tensor3D, p = this.focusingFactor): { phiQ: tf.Tensor4D; phiK: tf.Tensor4D } {
    const scale = this.read('scale') as tf.Tensor1D;
    const kp = tf.add(k, this.read('positionalEncoding')) as tf.Tensor3D; // k + positional_encoding (K only)
    return {
      phiQ: splitHeads(focusedKernel(q, scale, p), this.numHeads),
      phiK: splitHeads(focusedKernel(kp, scale, p), this.numHeads),
    };
  }

  /**
   * Focused linear attention plus DWC(V) on one window (or the whole map) of
   * grid `[H, W]`: q `[B', N, C]`, k and v `[B', n, C]`; `vGrid` is the value
   * map for the DWC `[B', N, C]` (v itself, or v resized to N tokens). `mask`
   * `[B', n]` (float 0/1, 1 = real key) drops padded keys from the focused sums;
   * `gridMask` `[B', N]` (default `mask` when `vGrid` is `v`) zeroes padded values before the DWC.
   */
  protected attend(
    qkv: WindowQKV,
    grid: [number, number],
    vGrid: tf.Tensor3D = qkv.v,
    mask?: tf.Tensor2D,
    gridMask: tf.Tensor2D | undefined = vGrid === qkv.v ? mask : undefined,
  ): tf.Tensor3D {
    return tf.add(this.focusedOutput(qkv, mask), this.dwcOf(vGrid, grid, gridMask)) as tf.Tensor3D;
  }

  /**
   * φ(Q)(φ(K)ᵀV)·z over all keys, heads merged: `[B', N, C]` (Eq. 4 as in the official code).
   * With `mask` `[B', n]` (float 0/1) a padded key j leaves both sums of Eq. 4 — Σ_j φ(k_j)v_jᵀ
   * and Σ_j φ(k_j) — and the official mean over keys counts the n_r real ones, so
   * out_i = φ(q_i)Σ_{j real}φ(k_j)ᵀv_j / (φ(q_i)·Σ_{j real}φ(k_j) + n_r·1e-6).
   */
  protected focusedOutput({ q, k, v }: WindowQKV, mask?: tf.Tensor2D): tf.Tensor3D {
    // Core's kernels: fused φ_p (with k + positional encoding) and the linear-attention primitive
    // reading the heads in place on wasm; the same value as features() + focusedLinearCore.
    return focusedLinearAttentionKernel(q, k, v, {
      numHeads: this.numHeads,
      scale: this.read('scale') as tf.Tensor1D,
      positional: this.read('positionalEncoding') as tf.Tensor2D,
      focusingFactor: this.focusingFactor,
      causal: this.causal,
      keyPaddingMask: mask,
    });
  }

  /**
   * DWC(V) on a value map `[B', H·W, C]` of grid `[H, W]` (Eq. 12's rank-restoration term).
   * With `mask` `[B', H·W]` the padded tokens' values are zeroed before the conv, so a real
   * token next to padding sees zeros there, as at the zero-padded border — never padded content.
   */
  protected dwcOf(vGrid: tf.Tensor3D, grid: [number, number], mask?: tf.Tensor2D): tf.Tensor3D {
    return dwcBranch(maskTokens(vGrid, mask), this.read('dwc/kernel') as tf.Tensor4D, this.read('dwc/bias') as tf.Tensor1D, {
      numHeads: this.numHeads,
      grid,
      causal: this.causal,
    });
  }

  /** Focusing factor of the map being computed: `kernelAttentionMap` may ask for another p. */
  private mapFocus: number | undefined;

  /** The implied weights of one window, `[B', h, N, n]` (no DWC; see `dwcMixingMatrix`). */
  protected windowWeights(q: tf.Tensor3D, k: tf.Tensor3D): tf.Tensor4D {
    const { phiQ, phiK } = this.features(q, k, this.mapFocus ?? this.focusingFactor);
    return focusedLinearWeights(phiQ, phiK, { causal: this.causal });
  }

  /**
   * `attentionMap` with another focusing factor on the same weights: p = 1 is
   * plain linear attention with the ReLU kernel (no focusing), for the paper's
   * focus analysis. `[batch, heads, queries, keys]`, dense: small N only.
   */
  kernelAttentionMap(x: tf.Tensor3D, { focusingFactor = this.focusingFactor }: { focusingFactor?: number } = {}): tf.Tensor4D {
    this.mapFocus = focusingFactor;
    try {
      return this.attentionMap(x);
    } finally {
      this.mapFocus = undefined;
    }
  }

  /**
   * Loads an official PyTorch `state_dict` (e.g. `readSafetensors(bytes).tensors`)
   * with the official key names (`q`, `kv`, `qkv`, `proj`, `dwc`, `scale`,
   * `positional_encoding`, `sr`, `norm`, `get_v`), converting PyTorch layouts.
   * Builds the layer first if needed (for its grid). Missing or unknown keys and
   * shape mismatches raise one `WeightLoadError` listing them; nothing is written then.
   */
  loadTorchStateDict(
    stateDict: Map<string, HostTensor> | Record<string, HostTensor>,
    options: LoadStateDictOptions & { keyMap?: StateDictKeyMap } = {},
  ): LoadStateDictReport {
    if (!this.built) {
      const tokens = this.builtTokens();
      tf.tidy(() => {
        this.apply(tf.zeros([1, tokens, this.dim]));
      });
    }
    const sd = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const prefix = options.prefix ?? '';
    const pe = sd.get(`${prefix}positional_encoding`) ?? sd.get(`${prefix}attns.0.positional_encoding`);
    const want = this.weight('positionalEncoding').shape;
    if (pe && pe.shape[pe.shape.length - 2] !== want[0]) {
      throw new WeightLoadError(
        `loading a state_dict into '${this.name}' failed; nothing was changed:\n  positional_encoding [${pe.shape.join(', ')}] has ${pe.shape[pe.shape.length - 2]} tokens, ` +
          `but this layer's ${this.positionalDescription()} needs ${want[0]}: the official module is resolution-specific, build the layer with the grid it was trained at`,
      );
    }
    const { keyMap = this.torchKeyMap(), ...rest } = options;
    return loadStateDict(this, sd, keyMap, rest);
  }

  /** Tokens of an input that builds this layer (for `loadTorchStateDict` on an unbuilt layer). */
  protected builtTokens(): number {
    return this.grid![0] * this.grid![1];
  }

  /** How the error for a mismatched positional encoding names the layer's geometry. */
  protected positionalDescription(): string {
    return `grid [${this.grid!.join(', ')}]`;
  }

  /** Keys every form shares: `scale`, `positional_encoding`, `dwc.*`. */
  protected sharedKeyMap(): StateDictKeyMap {
    return {
      scale: { to: 'scale', transform: dropLeadingOnes(1) },
      positional_encoding: { to: 'positionalEncoding', transform: dropLeadingOnes(2) },
      'dwc.weight': { to: 'dwc/kernel', transform: torch.depthwiseConv2d },
      'dwc.bias': 'dwc/bias',
    };
  }

  /** `proj.*` → the output projection. */
  protected projKeyMap(): StateDictKeyMap {
    return { 'proj.weight': { to: 'out/kernel', transform: torch.linear }, 'proj.bias': 'out/bias' };
  }
}
