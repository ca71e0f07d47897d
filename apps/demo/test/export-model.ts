// A small untrained patch-token Transformer classifier, exported the way the trainer
// exports one (tfjs layers model.json + weights + metadata.json), for the loader tests.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TransformerEncoder } from '@attention-zoo/attention-core';
import type { ClassifierMetadata } from '../src/classifier/metadata.js';

export const TEST_METADATA: ClassifierMetadata = {
  format: 'attention-zoo-classifier',
  version: 1,
  task: 'mnist',
  attention: 'softmax',
  inputShape: [16, 49],
  image: [28, 28],
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  notes: 'untrained: for testing the loader and the page only',
};

/** Files by path under the site root (`models/index.json`, `models/<id>/…`), and the model itself. */
export async function exportedModel(id = 'mnist-softmax'): Promise<{ files: Map<string, string | ArrayBuffer>; model: tfl.LayersModel }> {
  const input = tfl.input({ shape: [16, 49] });
  let x = tfl.layers.dense({ units: 16 }).apply(input) as tfl.SymbolicTensor;
  x = new TransformerEncoder({ dim: 16, numHeads: 2, depth: 2, attention: 'softmax', seed: 0 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling1d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 10, activation: 'softmax' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: out });
  const files = new Map<string, string | ArrayBuffer>();
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      files.set(`models/${id}/model.json`, JSON.stringify({
        format: 'layers-model',
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      }));
      files.set(`models/${id}/weights.bin`, a.weightData as ArrayBuffer);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  files.set(`models/${id}/metadata.json`, JSON.stringify(TEST_METADATA));
  files.set('models/index.json', JSON.stringify({ models: [id] }));
  return { files, model };
}
