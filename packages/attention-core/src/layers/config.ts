import { AttentionConfigError } from '../errors.js';
import type { AttentionCapabilities } from './capabilities.js';

export type { AttentionCapabilities } from './capabilities.js';

/**
 * The options every attention layer takes. Variant options extend this; keys
 * a variant does not use are ignored, so one config can be tried across variants.
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

function isPositiveInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x > 0;
}

function checkRate(who: string, key: string, x: unknown): number {
  if (x === undefined) return 0;
  if (typeof x !== 'number' || !(x >= 0 && x < 1)) {
    throw new AttentionConfigError(`${who}: ${key} must be a number in [0, 1), got ${JSON.stringify(x)}`);
  }
  return x;
}

/** Validates the shared keys against a variant's capabilities; errors name the layer and the key. */
export function resolveAttentionConfig(
  who: string,
  config: AttentionConfig,
  capabilities: AttentionCapabilities,
): ResolvedAttentionConfig {
  if (config == null || typeof config !== 'object') {
    throw new AttentionConfigError(`${who}: expected a config object with at least { dim, numHeads }, got ${String(config)}`);
  }
  const { dim, numHeads } = config;
  if (!isPositiveInt(dim)) throw new AttentionConfigError(`${who}: dim must be a positive integer, got ${JSON.stringify(dim)}`);
  if (!isPositiveInt(numHeads)) {
    throw new AttentionConfigError(`${who}: numHeads must be a positive integer, got ${JSON.stringify(numHeads)}`);
  }
  if (dim % numHeads !== 0) {
    throw new AttentionConfigError(
      `${who}: dim ${dim} is not divisible by numHeads ${numHeads} (head width would be ${(dim / numHeads).toFixed(2)})`,
    );
  }
  const causal = config.causal ?? false;
  if (typeof causal !== 'boolean') throw new AttentionConfigError(`${who}: causal must be a boolean, got ${JSON.stringify(causal)}`);
  if (causal && !capabilities.causal) throw new AttentionConfigError(`${who}: this variant has no causal form (causal: true)`);
  let grid: [number, number] | undefined;
  if (config.grid !== undefined && config.grid !== null) {
    const g = config.grid as unknown;
    if (!Array.isArray(g) || g.length !== 2 || !isPositiveInt(g[0]) || !isPositiveInt(g[1])) {
      throw new AttentionConfigError(`${who}: grid must be [height, width] with positive integers, got ${JSON.stringify(g)}`);
    }
    grid = [g[0], g[1]];
  } else if (capabilities.needsGrid) {
    throw new AttentionConfigError(`${who}: this variant needs the token grid: pass grid: [height, width] (tokens in row-major order)`);
  }
  let maxTokens: number | undefined;
  if (config.maxTokens !== undefined && config.maxTokens !== null) {
    if (!isPositiveInt(config.maxTokens)) {
      throw new AttentionConfigError(`${who}: maxTokens must be a positive integer, got ${JSON.stringify(config.maxTokens)}`);
    }
    maxTokens = config.maxTokens;
  } else if (capabilities.needsMaxTokens) {
    throw new AttentionConfigError(`${who}: this variant's parameters depend on sequence length: pass maxTokens`);
  }
  const seed = config.seed ?? undefined;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    throw new AttentionConfigError(`${who}: seed must be a finite number, got ${JSON.stringify(seed)}`);
  }
  return {
    dim,
    numHeads,
    headDim: dim / numHeads,
    qkvBias: config.qkvBias ?? true,
    dropout: checkRate(who, 'dropout', config.dropout),
    projDropout: checkRate(who, 'projDropout', config.projDropout),
    causal,
    grid,
    maxTokens,
    checkNumerics: config.checkNumerics ?? false,
    seed,
  };
}
