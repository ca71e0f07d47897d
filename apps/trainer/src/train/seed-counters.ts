/**
 * The dropout seed counters of a model's layers, by a path that names the same layer in
 * a rebuilt or reloaded model (`encoder/block1`, `encoder/block1/attn`).
 *
 * Why: attention-core's layers seed each call's dropout and drop-path from a count of
 * their calls (evaluation calls included). A resumed process starts those counts at
 * zero, so with dropout above 0 it drew other masks than an uninterrupted run; the
 * checkpoint saves the counts and resuming sets them back.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { AttentionLayer, TransformerBlock, TransformerEncoder } from '@attention-zoo/attention-core';

type Seeded = { seedCounter: number };

function seededLayers(model: tfl.LayersModel): Map<string, Seeded> {
  const out = new Map<string, Seeded>();
  const block = (path: string, b: TransformerBlock) => {
    out.set(path, b);
    out.set(`${path}/attn`, b.attn);
  };
  for (const layer of model.layers) {
    if (layer instanceof TransformerEncoder) layer.blocks.forEach((b, i) => block(`${layer.name}/block${i}`, b));
    else if (layer instanceof TransformerBlock) block(layer.name, layer);
    else if (layer instanceof AttentionLayer) out.set(layer.name, layer);
  }
  return out;
}

export function readSeedCounters(model: tfl.LayersModel): Record<string, number> {
  return Object.fromEntries([...seededLayers(model)].map(([path, l]) => [path, l.seedCounter]));
}

/** Sets the saved counts; a path the model lacks means the checkpoint is of another model, which the resume refuses before this. */
export function writeSeedCounters(model: tfl.LayersModel, counters: Record<string, number>): void {
  const layers = seededLayers(model);
  for (const [path, n] of Object.entries(counters)) {
    const layer = layers.get(path);
    if (!layer) throw new Error(`the checkpoint has a dropout seed count for ${path}, which this model does not have`);
    layer.seedCounter = n;
  }
}
