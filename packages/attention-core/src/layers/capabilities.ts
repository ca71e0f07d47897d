/** What a variant can do; declared once on the layer class, read by the registry, the conformance kit and the backbones. */
export interface AttentionCapabilities {
  /** Supports `causal: true`. */
  causal: boolean;
  /** Accepts a `[batch, keyTokens]` key-padding mask. */
  keyPaddingMask: boolean;
  /** Without `keyPaddingMask`: why the variant cannot honour one (the error says it). */
  noKeyPaddingMaskReason?: string;
  /** Accepts key/value tokens different from the query tokens. */
  crossAttention: boolean;
  /** Accepts any sequence length (up to `maxTokens` where that is needed). */
  variableLength: boolean;
  /** Needs `grid: [height, width]` and tokens = height × width. */
  needsGrid: boolean;
  /** Needs `maxTokens` (its parameters are tied to length). */
  needsMaxTokens: boolean;
  /**
   * With `needsGrid`: also takes class (or distillation) tokens placed before the
   * grid tokens, so tokens = classTokens + height × width (DeiT-style backbones).
   */
  classTokens: boolean;
  /**
   * `exact`: `attentionMap` gives weights A with out = A·V exactly (V the value projection);
   * `approximate`: a display-only view; `none`: not defined.
   */
  attentionMap: 'exact' | 'approximate' | 'none';
}

/** What a variant that declares nothing can do: self-attention on any length, no mask, no causal form, no map. */
export const DEFAULT_CAPABILITIES: Readonly<AttentionCapabilities> = Object.freeze({
  causal: false,
  keyPaddingMask: false,
  noKeyPaddingMaskReason: undefined,
  crossAttention: false,
  variableLength: true,
  needsGrid: false,
  needsMaxTokens: false,
  classTokens: false,
  attentionMap: 'none',
});

/**
 * A variant's capabilities: what it declares, the defaults for the rest. Write only what
 * differs from `DEFAULT_CAPABILITIES`, e.g. `defineCapabilities({ causal: true, attentionMap: 'exact' })`.
 */
export function defineCapabilities(declared: Partial<AttentionCapabilities>): AttentionCapabilities {
  for (const key of Object.keys(declared)) {
    if (!(key in DEFAULT_CAPABILITIES)) {
      throw new TypeError(`defineCapabilities: unknown capability '${key}'; known: ${Object.keys(DEFAULT_CAPABILITIES).join(', ')}`);
    }
  }
  return Object.freeze({ ...DEFAULT_CAPABILITIES, ...declared });
}
