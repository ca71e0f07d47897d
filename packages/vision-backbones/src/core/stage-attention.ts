import {
  AttentionConfigError,
  createAttention,
  getAttention,
  listAttentions,
  type AttentionConfig,
  type AttentionLayer,
  type AttentionSpec,
} from '@attention-zoo/attention-core';

/** An attention choice: a registered name, or `{ name, ...options }`. */
export type AttentionChoice = string | AttentionSpec;

/** Where an attention sits: what the backbone knows when it builds it. */
export interface StageGeometry {
  /** How errors name the place, e.g. `Swin 'swin_t' stage 2 block 0`. */
  who: string;
  /** Index of the block in its stage (the descriptor's `stageOptions` may alternate on it). */
  index: number;
  dim: number;
  numHeads: number;
  grid: [number, number];
  /** Tokens the attention sees (grid tokens + class tokens). */
  tokens: number;
  /** Class/distillation tokens before the grid tokens. */
  clsTokens: number;
  qkvBias: boolean;
  seed?: number;
  name: string;
}

export function choiceName(choice: AttentionChoice): string {
  return typeof choice === 'string' ? choice : choice.name;
}

/**
 * Builds the attention of one block through the registry: the choice's options for this block
 * (its descriptor's `stageOptions`), the stage's geometry, and the checks of what could not run on
 * this stage's tokens — class tokens beside a grid attention that does not declare `classTokens`,
 * `maxTokens` below the stage's tokens, causal masks on images.
 */
export function createStageAttention(choice: AttentionChoice, geo: StageGeometry): AttentionLayer {
  const spec: AttentionSpec = typeof choice === 'string' ? { name: choice } : choice;
  if (typeof spec.name !== 'string') throw new AttentionConfigError(`${geo.who}: attention must be a name or { name, ...options }, got ${JSON.stringify(choice)}`);
  const d = getAttention(spec.name); // RegistryError listing the registered names if unknown
  const { name, ...options } = d.stageOptions ? d.stageOptions(spec, geo.index) : spec;
  const maxTokens = options['maxTokens'];
  if (typeof maxTokens === 'number' && maxTokens < geo.tokens) {
    throw new AttentionConfigError(`${geo.who}: attention '${name}' has maxTokens ${maxTokens}, but this stage has ${geo.tokens} tokens (grid [${geo.grid.join(', ')}]${geo.clsTokens ? ` + ${geo.clsTokens} class token(s)` : ''})`);
  }
  if (options['causal'] === true) throw new AttentionConfigError(`${geo.who}: attention '${name}' with causal: true makes no sense on an image's tokens`);
  if (d.capabilities.needsGrid && geo.clsTokens > 0 && !d.capabilities.classTokens) {
    const takers = listAttentions().filter((t) => t.capabilities.needsGrid && t.capabilities.classTokens).map((t) => `'${t.name}'`);
    throw new AttentionConfigError(
      `${geo.who}: attention '${name}' needs tokens = grid H·W = ${geo.grid[0] * geo.grid[1]}, but this model adds ${geo.clsTokens} class token(s) (${geo.tokens} tokens): ` +
        `use a grid attention that takes class tokens (${takers.join(', ') || 'none registered'}), a variant without a grid, or a model without class token`,
    );
  }
  const config: AttentionConfig & Record<string, unknown> = {
    dim: geo.dim,
    numHeads: geo.numHeads,
    grid: geo.grid,
    maxTokens: geo.tokens,
    qkvBias: geo.qkvBias,
    seed: geo.seed,
    ...options,
    name: geo.name,
  };
  return createAttention(name, config);
}
