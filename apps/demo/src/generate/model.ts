// The character language models shipped for the Generate page: models/generate.json lists the
// folders; each is what `pnpm train export` writes for a `char-lm` run (model.json, weights.bin,
// metadata.json with the vocabulary). The model is the trainer's char-lm graph around one
// DecoderLM layer; the page decodes through that layer's `step`.
import { DecoderLM, getAttention, type IncrementalKind } from '@attention-zoo/attention-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;
const pageFetch: FetchLike = (url, init) => fetch(url, init);

/** What the page needs from a char-lm export's metadata.json. */
export interface CharLmMetadata {
  task: 'char-lm';
  /** Registry name of the attention in every block, and its options. */
  attention: string;
  attentionOptions: Record<string, unknown>;
  /** Characters by token id. */
  vocabulary: string[];
  /** The training window (characters). */
  context: number;
  testAccuracy?: number;
  step?: number;
}

export class CharLmError extends Error {
  override name = 'CharLmError';
}

/** Checks a char-lm export's metadata.json (`where` names the file in errors). */
export function parseCharLmMetadata(raw: unknown, where: string): CharLmMetadata {
  const m = raw as Record<string, unknown> | null;
  const fail = (what: string) => new CharLmError(`${where}: ${what}`);
  if (!m || typeof m !== 'object') throw fail('not a JSON object');
  if (m['format'] !== 'attention-zoo-model') throw fail(`format must be "attention-zoo-model" (pnpm train export), got ${JSON.stringify(m['format'])}`);
  if (m['task'] !== 'char-lm') throw fail(`task must be "char-lm", got ${JSON.stringify(m['task'])}`);
  if (typeof m['attention'] !== 'string') throw fail('attention must be a registry name');
  const vocabulary = m['vocabulary'];
  if (!Array.isArray(vocabulary) || vocabulary.length === 0 || !vocabulary.every((c) => typeof c === 'string' && [...c].length === 1)) {
    throw fail('vocabulary must be a list of single characters');
  }
  const shape = m['inputShape'];
  if (!Array.isArray(shape) || shape.length !== 1 || !Number.isInteger(shape[0])) throw fail('inputShape must be [context]');
  const source = (m['source'] ?? {}) as { testAccuracy?: unknown; step?: unknown };
  return {
    task: 'char-lm',
    attention: m['attention'],
    attentionOptions: (m['attentionOptions'] ?? {}) as Record<string, unknown>,
    vocabulary: vocabulary as string[],
    context: shape[0] as number,
    ...(typeof source.testAccuracy === 'number' ? { testAccuracy: source.testAccuracy } : {}),
    ...(typeof source.step === 'number' ? { step: source.step } : {}),
  };
}

/** The shipped char-lm folders listed in `<base>/generate.json`; [] when it is absent. */
export async function listCharLms(base: string, fetchFn: FetchLike = pageFetch): Promise<string[]> {
  const url = new URL('generate.json', base).href;
  const res = await fetchFn(url).catch(() => null);
  if (!res?.ok) return [];
  const text = await res.text();
  if (/^\s*</.test(text)) return []; // a dev server answers a missing file with index.html
  const raw = JSON.parse(text) as { models?: unknown };
  if (!Array.isArray(raw.models) || !raw.models.every((m) => typeof m === 'string' && /^[\w.-]+$/.test(m))) {
    throw new CharLmError(`${url}: expected { "models": ["<folder>", …] }`);
  }
  return raw.models as string[];
}

/** Reads a folder's metadata.json only (cheap: the page lists the models before loading any). */
export async function readCharLmMetadata(base: string, id: string, fetchFn: FetchLike = pageFetch): Promise<CharLmMetadata> {
  const url = new URL(`${id}/metadata.json`, base).href;
  const res = await fetchFn(url);
  if (!res.ok) throw new CharLmError(`${url}: HTTP ${res.status}`);
  return parseCharLmMetadata(JSON.parse(await res.text()), url);
}

export interface CharLm {
  id: string;
  meta: CharLmMetadata;
  model: LayersModel;
  lm: DecoderLM;
  dispose(): void;
}

/** The incremental kind of an attention (recurrent / window / cache), or null when it cannot decode step by step. */
export function incrementalKind(attention: string): IncrementalKind | null {
  return getAttention(attention).capabilities.incremental ?? null;
}

/** The model's DecoderLM layer, checked against its metadata. Disposes the model when they disagree. */
export function charLmOf(id: string, meta: CharLmMetadata, model: LayersModel): CharLm {
  const lm = model.layers.find((l): l is DecoderLM => l instanceof DecoderLM);
  const problem = !lm
    ? 'has no DecoderLM layer (not a char-lm export)'
    : lm.vocab !== meta.vocabulary.length
      ? `has a vocabulary of ${lm.vocab} but its metadata lists ${meta.vocabulary.length} characters`
      : incrementalKind(meta.attention) === null
        ? `uses ${meta.attention}, which has no step-by-step (incremental) form`
        : null;
  if (problem) {
    model.dispose();
    throw new CharLmError(`model ${id} ${problem}`);
  }
  return { id, meta, model, lm: lm!, dispose: () => model.dispose() };
}

export async function loadCharLm(base: string, id: string, fetchFn: FetchLike = pageFetch): Promise<CharLm> {
  const meta = await readCharLmMetadata(base, id, fetchFn);
  const model = await loadLayersModel(new URL(`${id}/model.json`, base).href, { fetchFunc: fetchFn as typeof fetch });
  return charLmOf(id, meta, model);
}

/** Token ids of `text`, or the characters the vocabulary lacks. */
export function encode(text: string, vocabulary: readonly string[]): { ids: number[] } | { unknown: string[] } {
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const ids: number[] = [];
  const unknown = new Set<string>();
  for (const c of text) {
    const id = index.get(c);
    if (id === undefined) unknown.add(c);
    else ids.push(id);
  }
  return unknown.size > 0 ? { unknown: [...unknown] } : { ids };
}
