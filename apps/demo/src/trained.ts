// Models trained on the Train page, saved in the browser (IndexedDB, through tfjs's
// `indexeddb://` store) with their classifier metadata inside model.json
// (`userDefinedMetadata`), so the Classifier page lists and loads them like the shipped ones.
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { classifierOf, type Classifier } from './classifier/load.js';
import { parseMetadata, type ClassifierMetadata } from './classifier/metadata.js';

const PREFIX = 'indexeddb://attention-zoo-trained/';

/** The store URL of a trained model named `name` (e.g. `mnist-flatten`). */
export const trainedUrl = (name: string) => `${PREFIX}${name}`;
export const isTrainedUrl = (id: string) => id.startsWith(PREFIX);

/** The model the Classifier page should open first: the one trained last, in this tab. */
export let freshlyTrained: string | undefined;

/** Saves `model` with `meta` to IndexedDB; resolves to its URL (what the Classifier page lists). */
export async function saveTrained(name: string, model: LayersModel, meta: ClassifierMetadata): Promise<string> {
  const url = trainedUrl(name);
  model.setUserDefinedMetadata({ ...meta });
  await model.save(url);
  freshlyTrained = url;
  return url;
}

/** URLs of the trained models saved in this browser, newest name order. */
export async function listTrained(): Promise<string[]> {
  try {
    const all = await tf.io.listModels();
    return Object.keys(all).filter(isTrainedUrl).sort();
  } catch {
    return []; // no IndexedDB (private mode, or a browser without it)
  }
}

export async function loadTrained(url: string): Promise<Classifier> {
  const model = await loadLayersModel(url);
  const meta = parseMetadata(model.getUserDefinedMetadata(), `${url} (model.json userDefinedMetadata)`);
  return classifierOf(url.slice(PREFIX.length), meta, model, url);
}
