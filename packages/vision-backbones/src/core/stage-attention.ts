import {
  AttentionConfigError,
  AttentionLayer,
  createAttention,
  getAttention,
  SoftmaxAttention,
  type AttentionConfig,
  type AttentionSpec,
} from '@attention-zoo/attention-core';
import { softmaxKeyMaps, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { FocusedLinearLayer } from '@attention-zoo/flatten';
import { CSwinAttention } from '../attention/cswin-attention.js';
import { PvtAttention } from '../attention/spatial-reduction.js';
import { SwinWindowAttention } from '../attention/window-attention.js';

/** An attention choice: a registered name, `{ name, ...options }`, or a model-native attention. */
export type AttentionChoice = string | AttentionSpec;

/**
 * The papers' own attentions, native to the backbones (not in the registry: their names would
 * clash with other packages' general variants): PVT's spatial-reduction attention, Swin's
 * (shifted) window attention with relative position bias, CSwin's cross-shaped windows with LePE.
 */
export const NATIVE_ATTENTIONS = {
  'pvt-sra': PvtAttention,
  'swin-window': SwinWindowAttention,
  'cswin-lepe': CSwinAttention,
} as const;

export type NativeAttentionName = keyof typeof NATIVE_ATTENTIONS;

/** Where an attention sits: what the backbone knows when it builds it. */
export interface StageGeometry {
  /** How errors name the place, e.g. `Swin 'swin_t' stage 2 block 0`. */
  who: string;
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
 * Builds the attention of one block, rejecting at build time what could not run on this
 * stage's tokens: grid attentions with class tokens (only `flatten-cls` and PVT's SRA take
 * them), `maxTokens` below the stage's tokens, causal masks on images.
 */
export function createStageAttention(choice: AttentionChoice, geo: StageGeometry): AttentionLayer {
  const { name, ...options } = typeof choice === 'string' ? { name: choice } : choice;
  if (typeof name !== 'string') throw new AttentionConfigError(`${geo.who}: attention must be a name or { name, ...options }, got ${JSON.stringify(choice)}`);
  const base: AttentionConfig & Record<string, unknown> = {
    dim: geo.dim,
    numHeads: geo.numHeads,
    grid: geo.grid,
    maxTokens: geo.tokens,
    qkvBias: geo.qkvBias,
    seed: geo.seed,
    ...options,
    name: geo.name,
  };
  const maxTokens = options['maxTokens'];
  if (typeof maxTokens === 'number' && maxTokens < geo.tokens) {
    throw new AttentionConfigError(`${geo.who}: attention '${name}' has maxTokens ${maxTokens}, but this stage has ${geo.tokens} tokens (grid [${geo.grid.join(', ')}]${geo.clsTokens ? ` + ${geo.clsTokens} class token(s)` : ''})`);
  }
  if (options['causal'] === true) throw new AttentionConfigError(`${geo.who}: attention '${name}' with causal: true makes no sense on an image's tokens`);
  if (name in NATIVE_ATTENTIONS) {
    if (geo.clsTokens > 0 && name !== 'pvt-sra') {
      throw new AttentionConfigError(`${geo.who}: '${name}' works on the token grid only, but this stage has ${geo.clsTokens} class token(s)`);
    }
    const Cls = NATIVE_ATTENTIONS[name as NativeAttentionName] as unknown as new (c: AttentionConfig) => AttentionLayer;
    return new Cls(base);
  }
  const d = getAttention(name); // RegistryError listing the registered names if unknown
  if (d.capabilities.needsGrid && geo.clsTokens > 0 && name !== 'flatten-cls') {
    throw new AttentionConfigError(
      `${geo.who}: attention '${name}' needs tokens = grid H·W = ${geo.grid[0] * geo.grid[1]}, but this model adds ${geo.clsTokens} class token(s) (${geo.tokens} tokens): use 'flatten-cls' or a variant without a grid, or a model without class token`,
    );
  }
  if (!d.capabilities.variableLength && !d.capabilities.needsGrid && !d.capabilities.needsMaxTokens) {
    // fixed-length variants take their length from maxTokens; nothing else to check here
  }
  return createAttention(name, base);
}

/** The official PyTorch keys of an attention (relative to its module), where this project knows them. */
export function attentionTorchKeyMap(attn: AttentionLayer): StateDictKeyMap | undefined {
  if (attn instanceof FocusedLinearLayer || attn instanceof PvtAttention || attn instanceof SwinWindowAttention || attn instanceof CSwinAttention) {
    return attn.torchKeyMap();
  }
  if (attn instanceof SoftmaxAttention) return softmaxKeyMaps.timm({ qkvBias: attn.qkvBias });
  return undefined;
}
