import { AttentionConfigError } from '../errors.js';
import type { AttentionCapabilities } from './capabilities.js';
import { checkOptions, type OptionSchemas } from './options.js';

export type { AttentionCapabilities } from './capabilities.js';

/**
 * The options every attention layer takes. Variant options extend this and are declared
 * (with their types and ranges) in the variant's descriptor; a key the variant does not
 * declare is an error. To try one config across variants, pass it leniently:
 * `createAttention(name, config, { lenient: true })` or `pickOptions(name, config)`.
 */
export interface AttentionConfig {
  /** Model width: input and output are `[batch, tokens, dim]`. */
  dim: number;
  numHeads: number;
  /** Bias on the q/k/v projections (the output projection always has one). Default true. */
  qkvBias?: boolean;
  /** Dropout rate on the attention weights (on the mixed values where a variant has none). Default 0. */
  dropout?: number;
  /** Dropout rate after the output projection. Default 0. */
  projDropout?: number;
  /** Autoregressive: token i mixes only tokens j ≤ i. Default false. */
  causal?: boolean;
  /** `[height, width]` of the token grid (row-major), for spatial variants. */
  grid?: [number, number];
  /** Largest sequence length, for variants whose parameters depend on length. */
  maxTokens?: number;
  /** Debug: check inputs and outputs for NaN/Inf on every call (reads back from the device). Default false. */
  checkNumerics?: boolean;
  /** Seeds the weight initialisers and dropout, for reproducible runs. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/** The keys every attention layer shares; anything else in a config is a variant key. */
export const SHARED_CONFIG_KEYS = [
  'dim', 'numHeads', 'qkvBias', 'dropout', 'projDropout', 'causal', 'grid', 'maxTokens', 'checkNumerics', 'seed',
] as const satisfies readonly (keyof AttentionConfig)[];

export interface ResolvedAttentionConfig {
  dim: number;
  numHeads: number;
  headDim: number;
  qkvBias: boolean;
  dropout: number;
  projDropout: number;
  causal: boolean;
  grid: [number, number] | undefined;
  maxTokens: number | undefined;
  checkNumerics: boolean;
  seed: number | undefined;
}

/**
 * Validates a layer's config — every key's type and range against the shared and the
 * variant's declared options (`checkOptions`: an unknown key is an error), then the rules
 * between keys and the variant's capabilities; errors name the layer and the key.
 */
export function resolveAttentionConfig(
  who: string,
  config: AttentionConfig,
  capabilities: AttentionCapabilities,
  variantOptions: OptionSchemas | undefined,
): ResolvedAttentionConfig {
  if (config == null || typeof config !== 'object' || Array.isArray(config)) {
    throw new AttentionConfigError(`${who}: expected a config object with at least { dim, numHeads }, got ${String(config)}`);
  }
  checkOptions(who, config as unknown as Record<string, unknown>, variantOptions);
  const { dim, numHeads } = config;
  for (const [key, value] of [['dim', dim], ['numHeads', numHeads]] as const) {
    if (value === undefined) throw new AttentionConfigError(`${who}: ${key} is required (a positive integer)`);
  }
  if (dim % numHeads !== 0) {
    throw new AttentionConfigError(
      `${who}: dim ${dim} is not divisible by numHeads ${numHeads} (head width would be ${(dim / numHeads).toFixed(2)})`,
    );
  }
  const causal = config.causal ?? false;
  if (causal && !capabilities.causal) throw new AttentionConfigError(`${who}: this variant has no causal form (causal: true)`);
  let grid: [number, number] | undefined;
  if (config.grid !== undefined && config.grid !== null) {
    grid = [config.grid[0], config.grid[1]];
  } else if (capabilities.needsGrid) {
    throw new AttentionConfigError(`${who}: this variant needs the token grid: pass grid: [height, width] (tokens in row-major order)`);
  }
  let maxTokens: number | undefined;
  if (config.maxTokens !== undefined && config.maxTokens !== null) {
    maxTokens = config.maxTokens;
  } else if (capabilities.needsMaxTokens) {
    throw new AttentionConfigError(`${who}: this variant's parameters depend on sequence length: pass maxTokens`);
  }
  const seed = config.seed ?? undefined;
  return {
    dim,
    numHeads,
    headDim: dim / numHeads,
    qkvBias: config.qkvBias ?? true,
    dropout: config.dropout ?? 0,
    projDropout: config.projDropout ?? 0,
    causal,
    grid,
    maxTokens,
    checkNumerics: config.checkNumerics ?? false,
    seed,
  };
}
