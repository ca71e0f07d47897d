import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { AttentionLayer } from '../layers/attention-layer.js';
import { descriptorOf } from '../registry.js';
import { nestKeyMap, type StateDictKeyMap } from '../weights/state-dict.js';
import { timmBlockKeyMap } from './state-dict-maps.js';
import { TransformerBlock } from './transformer-block.js';

type Shape = (number | null)[];

/** A sub-layer that keeps its weights by path under a prefix (blocks inside a backbone or encoder). */
export interface PathLayer {
  readonly name: string;
  setWeightPrefix(prefix: string): void;
  build(inputShape: Shape): void;
  weight(path: string): LayerVariable;
  weightPaths(): string[];
  readonly trainableWeights: LayerVariable[];
  readonly nonTrainableWeights: LayerVariable[];
  readonly weights: LayerVariable[];
  readonly built: boolean;
  dispose(): unknown;
}

/** What a backbone knows about a block when it builds it (the attention is built already). */
export interface BlockSpec {
  dim: number;
  numHeads: number;
  mlpRatio: number;
  dropPath: number;
  layerNormEpsilon: number;
  seed?: number;
  name: string;
}

/** A block around one attention, with what loading official weights into it needs. */
export interface AttentionBlock {
  layer: PathLayer;
  /** The attention inside the block. */
  attn: AttentionLayer;
  /** Official block keys → weight paths under the block; absent when the attention has no official weights. */
  torchKeyMap?: StateDictKeyMap;
  /** Official buffers the block recomputes: key relative to the block → shape (checked, then ignored when loading). */
  torchBuffers: Record<string, number[]>;
}

/**
 * The block around `attn`: the variant's own block where its descriptor has one (the
 * paper's block, e.g. FLatten-Swin's), else core's pre-norm `TransformerBlock` with
 * timm's block keys and the attention's official keys under `attn.`.
 */
export function makeBlock(attn: AttentionLayer, spec: BlockSpec): AttentionBlock {
  const d = descriptorOf(attn);
  if (d.block) return d.block(attn, spec);
  const layer = new TransformerBlock({
    dim: spec.dim,
    numHeads: spec.numHeads,
    attention: attn,
    mlpRatio: spec.mlpRatio,
    dropPath: spec.dropPath,
    layerNormEpsilon: spec.layerNormEpsilon,
    seed: spec.seed,
    name: spec.name,
  });
  const inner = d.torchKeyMap?.(attn);
  return {
    layer,
    attn,
    torchKeyMap: inner && { ...timmBlockKeyMap(), ...nestKeyMap(inner, d.torchKeyPrefix ?? 'attn.', 'attn/') },
    torchBuffers: d.torchBuffers?.(attn) ?? {},
  };
}

