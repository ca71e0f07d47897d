import type { IncrementalKind } from './incremental.js';

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
  /**
   * With `causal`: the layer decodes one token at a time (`initialState`, `step`) and keeps
   * a `recurrent` (constant), `window` (bounded by its window) or `cache` (growing) state.
   * Absent: no incremental form; decoding recomputes the prefix.
   */
  incremental?: IncrementalKind;
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

/** Capabilities that are absent unless declared. */
const OPTIONAL_CAPABILITIES = ['incremental'] as const;
const INCREMENTAL_KINDS: readonly IncrementalKind[] = ['recurrent', 'window', 'cache'];

/**
 * A variant's capabilities: what it declares, the defaults for the rest. Write only what
 * differs from `DEFAULT_CAPABILITIES`, e.g. `defineCapabilities({ causal: true, attentionMap: 'exact' })`.
 */
export function defineCapabilities(declared: Partial<AttentionCapabilities>): AttentionCapabilities {
  const known = [...Object.keys(DEFAULT_CAPABILITIES), ...OPTIONAL_CAPABILITIES];
  for (const key of Object.keys(declared)) {
    if (!known.includes(key)) {
      throw new TypeError(`defineCapabilities: unknown capability '${key}'; known: ${known.join(', ')}`);
    }
  }
  if (declared.incremental !== undefined) {
    if (!INCREMENTAL_KINDS.includes(declared.incremental)) {
      throw new TypeError(`defineCapabilities: incremental must be one of ${INCREMENTAL_KINDS.join(', ')}, got ${JSON.stringify(declared.incremental)}`);
    }
    if (!declared.causal) throw new TypeError('defineCapabilities: incremental decoding needs causal: true');
  }
  return Object.freeze({ ...DEFAULT_CAPABILITIES, ...declared });
}
