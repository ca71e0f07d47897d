import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Backbone } from '../core/backbone.js';

/** A tfjs layers-model folder's two files: `model.json` (topology + weights manifest) and `weights.bin`. */
export interface TfjsModelFiles {
  modelJson: Record<string, unknown>;
  weightsBin: Uint8Array;
}

function joinBuffers(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = (Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.byteLength));
  return out;
}

/**
 * The backbone as a tfjs layers model (`images [batch, S, S, 3]` → its output), serialised as the
 * files `tf.loadLayersModel('…/model.json')` reads — with this package imported, which registers
 * the backbone classes. `weightsPath` is the name `model.json` gives the weights file.
 */
export async function tfjsModelArtifacts(backbone: Backbone, weightsPath = 'weights.bin'): Promise<TfjsModelFiles> {
  // A twin built inside the model, so its weights carry the names `tf.loadLayersModel` gives them
  // (scoped by the layer's name), holding the backbone's values.
  const twin = new (backbone.constructor as new (config: unknown) => Backbone)(backbone.getConfig());
  const input = tfl.input({ shape: [backbone.imageSize, backbone.imageSize, 3], name: 'images' });
  const outputs = twin.apply(input) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  const model = tfl.model({ inputs: input, outputs, name: backbone.name });
  let artifacts: tf.io.ModelArtifacts | undefined;
  try {
    for (const path of backbone.weightPaths()) twin.weight(path).write(backbone.weight(path).read());
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  } finally {
    twin.dispose();
  }
  const a = artifacts!;
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: a.generatedBy,
      convertedBy: '@attention-zoo/vision-backbones convert',
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs }],
    },
    weightsBin: joinBuffers(a.weightData as ArrayBuffer | ArrayBuffer[]),
  };
}
