import { type AttentionLayer, TransformerBlock } from '@attention-zoo/attention-core';
import { type StateDictKeyMap, timmBlockKeyMap } from '@attention-zoo/attention-core/weights';
import { FLattenCSwinAttention, FlattenCSwinBlock, FLattenSwinAttention, FlattenSwinBlock } from '@attention-zoo/flatten';
import { CSwinAttention } from '../attention/cswin-attention.js';
import type { PathLayer } from '../core/backbone.js';
import { nestKeyMap } from '../core/backbone.js';
import { attentionTorchKeyMap } from '../core/stage-attention.js';

export interface BuiltBlock {
  layer: PathLayer;
  attn: AttentionLayer;
  /** Official keys under the block's prefix → paths under the block, if the attention has official weights. */
  keyMap: StateDictKeyMap | undefined;
}

export interface BlockOptions {
  dim: number;
  numHeads: number;
  mlpRatio: number;
  dropPath: number;
  layerNormEpsilon: number;
  seed?: number;
  name: string;
}

/**
 * A pre-norm block around an attention. FLatten's Swin and CSwin forms go through the
 * flatten package's official blocks (`FlattenSwinBlock`, `FlattenCSwinBlock`); every other
 * attention through core's `TransformerBlock`. CSwin keeps `qkv`/`proj` at block level.
 */
export function makeBlock(attn: AttentionLayer, o: BlockOptions): BuiltBlock {
  if (attn instanceof FLattenSwinAttention) {
    const block = new FlattenSwinBlock({
      dim: o.dim,
      numHeads: o.numHeads,
      inputResolution: attn.grid!,
      windowSize: attn.windowSize,
      shiftSize: attn.shiftSize,
      mlpRatio: o.mlpRatio,
      qkvBias: attn.qkvBias,
      focusingFactor: attn.focusingFactor,
      kernelSize: attn.kernelSize,
      dropPath: o.dropPath,
      layerNormEpsilon: o.layerNormEpsilon,
      seed: o.seed,
      name: o.name,
    });
    return { layer: block as unknown as PathLayer, attn: block.attn, keyMap: block.torchKeyMap() };
  }
  if (attn instanceof FLattenCSwinAttention) {
    const block = new FlattenCSwinBlock({
      dim: o.dim,
      numHeads: o.numHeads,
      grid: attn.grid!,
      mlpRatio: o.mlpRatio,
      qkvBias: attn.qkvBias,
      focusingFactor: attn.focusingFactor,
      kernelSize: attn.kernelSize,
      dropPath: o.dropPath,
      layerNormEpsilon: o.layerNormEpsilon,
      seed: o.seed,
      name: o.name,
    });
    return { layer: block as unknown as PathLayer, attn: block.attn, keyMap: block.torchKeyMap() };
  }
  const block = new TransformerBlock({
    dim: o.dim,
    numHeads: o.numHeads,
    attention: attn,
    mlpRatio: o.mlpRatio,
    dropPath: o.dropPath,
    layerNormEpsilon: o.layerNormEpsilon,
    seed: o.seed,
    name: o.name,
  });
  const inner = attentionTorchKeyMap(attn);
  const keyMap = inner && { ...timmBlockKeyMap(), ...nestKeyMap(inner, attn instanceof CSwinAttention ? '' : 'attn.', 'attn/') };
  return { layer: block as unknown as PathLayer, attn, keyMap };
}
