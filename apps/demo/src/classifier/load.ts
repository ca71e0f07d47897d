// Loading the classifier the trainer exports: models/index.json → models/<id>/{metadata.json, model.json, weights}.
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { lastAttention, type LastAttention } from './last-attention.js';
import { MetadataError, parseMetadata, toModelInput, type ClassifierMetadata, type ModelIndex } from './metadata.js';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** The page's fetch, called as a plain function (a bare `fetch` reference throws "Illegal invocation" when tfjs calls it). */
const pageFetch: FetchLike = (url, init) => fetch(url, init);

export interface Classifier {
  id: string;
  meta: ClassifierMetadata;
  model: LayersModel;
  /** The last attention layer, or null for a model without one. */
  last: LastAttention | null;
  /** Class probabilities for one drawing (pixels row-major in [0, 1], the metadata's image size). */
  predict(pixels: Float32Array): Promise<Float32Array>;
  dispose(): void;
}

/**
 * Reads JSON at `url`; null when it is absent. A dev server answers a missing
 * file with the app's index.html (status 200), so a non-JSON body counts as absent.
 */
async function readJson(url: string, fetchFn: FetchLike): Promise<unknown | null> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch {
    return null;
  }
  if (!res.ok) return null;
  const text = await res.text();
  if (/^\s*</.test(text)) return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MetadataError(`${url}: not valid JSON (${(err as Error).message})`);
  }
}

/** The shipped model ids from `<base>/index.json`, or [] when none is shipped. */
export async function listModels(base: string, fetchFn: FetchLike = pageFetch): Promise<string[]> {
  const url = new URL('index.json', base).href;
  const raw = (await readJson(url, fetchFn)) as ModelIndex | null;
  if (raw === null) return [];
  if (!raw || !Array.isArray(raw.models) || !raw.models.every((m) => typeof m === 'string' && /^[\w.-]+$/.test(m))) {
    throw new MetadataError(`${url}: expected { "models": ["<folder>", …] }`);
  }
  return raw.models;
}

export async function loadClassifier(base: string, id: string, fetchFn: FetchLike = pageFetch): Promise<Classifier> {
  const dir = new URL(`${id}/`, base).href;
  const metaUrl = new URL('metadata.json', dir).href;
  const raw = await readJson(metaUrl, fetchFn);
  if (raw === null) throw new MetadataError(`${metaUrl} is missing`);
  const meta = parseMetadata(raw, metaUrl);
  const model = await loadLayersModel(new URL(meta.model ?? 'model.json', dir).href, { fetchFunc: fetchFn as typeof fetch });
  return classifierOf(id, meta, model, metaUrl);
}

/**
 * A classifier over a loaded (or just trained) `model` described by `meta`; checks the two
 * agree (input shape, number of classes), naming `where` the metadata came from, and disposes
 * the model when they do not.
 */
export function classifierOf(id: string, meta: ClassifierMetadata, model: LayersModel, where: string): Classifier {
  const inShape = model.inputs[0]!.shape.slice(1);
  if (inShape.join(',') !== meta.inputShape.join(',')) {
    model.dispose();
    throw new MetadataError(`${where}: inputShape [${meta.inputShape}] does not match the model's input [${inShape}]`);
  }
  const outUnits = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
  if (outUnits !== meta.classes.length) {
    model.dispose();
    throw new MetadataError(`${where}: ${meta.classes.length} classes but the model has ${outUnits} outputs`);
  }
  const last = lastAttention(model);
  return {
    id,
    meta,
    model,
    last,
    async predict(pixels) {
      const x = tf.tensor(toModelInput(pixels, meta), [1, ...meta.inputShape]);
      const y = tf.tidy(() => {
        const out = model.predict(x) as tf.Tensor;
        // Softmax unless the model already ends in one (rows summing to 1, all ≥ 0).
        const sums = tf.sum(out, -1);
        const isProb = tf.logicalAnd(tf.all(tf.greaterEqual(out, 0)), tf.all(tf.less(tf.abs(tf.sub(sums, 1)), 1e-3)));
        return tf.where(isProb, out, tf.softmax(out));
      });
      const p = (await y.data()) as Float32Array;
      x.dispose();
      y.dispose();
      return p;
    },
    dispose: () => model.dispose(),
  };
}
