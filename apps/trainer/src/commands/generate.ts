/**
 * `pnpm train generate --run <dir> --prompt "Call me"`: continues the prompt with a char-lm
 * run's newest complete checkpoint, one character at a time through the attention's `step`
 * (constant memory per character for `recurrent` variants), writing each character as soon
 * as it is sampled. Everything that can be checked without a model — the folder, its task,
 * the attention's decoding form, the prompt against the vocabulary — is checked first.
 */
import { existsSync, statSync } from 'node:fs';
import { getAttention, type IncrementalKind } from '@attention-zoo/attention-core';
import { UsageError, type ParsedArgs } from '../args.js';
import type { TrainConfig } from '../config.js';
import { meterStates } from '../generate/state-meter.js';
import { readRunConfig, readTaskInfo } from '../run-folder.js';
import { decoderOf, encodePrompt, generateText, PromptError } from '../tasks/char-lm.js';
import { explainFsError, explainingFsErrors, readFolder } from '../fs-errors.js';
import { loadNewestModel } from '../train/resume-point.js';

export const DEFAULT_MAX_NEW_TOKENS = 200;

export interface GenerateRequest {
  runDir: string;
  prompt: string;
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  /** Always set: drawn at random when not given, and printed, so any text can be had again. */
  seed: number;
}

/** A char-lm run folder, checked, with the prompt as ids of its vocabulary. */
export interface GenerateRun {
  runDir: string;
  config: TrainConfig;
  vocabulary: string[];
  promptIds: number[];
  incremental: IncrementalKind;
}

export interface GenerateSummary {
  tokens: number;
  promptChars: number;
  /** From the call to the first new character: the prompt's steps and the first sample. */
  firstTokenMs: number;
  /** Per character after the first (one step and one sample each). */
  msPerToken: number;
  /** Bytes of every block's attention state after the last step (undefined when no step ran). */
  stateBytes?: number;
  incremental: IncrementalKind;
  attention: string;
  checkpoint: string;
  step: number;
  seed: number;
}

/** The request the flags describe; a missing or empty `--run` / `--prompt` is a usage error. */
export function generateRequest(p: ParsedArgs): GenerateRequest {
  const runDir = p.options['--run'] as string | undefined;
  const prompt = p.options['--prompt'] as string | undefined;
  if (!runDir) throw new UsageError('generate needs --run <dir>: the folder of a char-lm run (pnpm train --task char-lm …)');
  if (prompt === undefined) throw new UsageError('generate needs --prompt "text": the text to continue');
  if (prompt === '') throw new UsageError('generate: --prompt is empty; the model continues a text, so give it at least one character (e.g. --prompt "Call me")');
  return {
    runDir,
    prompt,
    maxNewTokens: (p.options['--max-new-tokens'] as number | undefined) ?? DEFAULT_MAX_NEW_TOKENS,
    temperature: p.options['--temperature'] as number | undefined,
    topK: p.options['--top-k'] as number | undefined,
    seed: (p.options['--seed'] as number | undefined) ?? Math.floor(Math.random() * 2 ** 31),
  };
}

/** Checks the folder, its task, the attention and the prompt, without loading the model; file-system errors in words (fs-errors.ts). */
export function openGenerateRun(req: GenerateRequest): GenerateRun {
  try {
    return checkGenerateRun(req);
  } catch (err) {
    throw explainFsError(err, [readFolder(req.runDir)]);
  }
}

function checkGenerateRun(req: GenerateRequest): GenerateRun {
  const { runDir } = req;
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new Error(`generate: run folder '${runDir}' does not exist`);
  const config = readRunConfig(runDir);
  if (config.task !== 'char-lm') {
    throw new Error(
      `generate: '${runDir}' is a ${config.task} run, not a char-lm one; generate needs the decoder language model of a char-lm run (pnpm train --task char-lm …)`,
    );
  }
  const info = readTaskInfo(runDir);
  const vocabulary = info.vocabulary;
  if (!vocabulary?.length) throw new Error(`generate: '${runDir}/task.json' has no vocabulary, so its characters cannot be read back`);
  const d = getAttention(config.attention);
  if (!d.capabilities.incremental) {
    throw new Error(`generate: attention '${config.attention}' has no incremental form (initialState/step), and generate decodes one token at a time`);
  }
  let promptIds: number[];
  try {
    promptIds = encodePrompt(vocabulary, req.prompt);
  } catch (err) {
    if (err instanceof PromptError) throw new UsageError(`generate: ${err.message}`);
    throw err;
  }
  // Length-tied and grid variants were built for the training window: they cannot step past it.
  const limit = info.inputShape[0]!;
  const positions = promptIds.length + req.maxNewTokens - 1;
  if ((d.capabilities.needsMaxTokens || d.capabilities.needsGrid) && positions > limit) {
    const most = limit - promptIds.length + 1;
    throw new UsageError(
      `generate: '${config.attention}' is tied to the ${limit} positions it was trained on; the prompt's ${promptIds.length} characters ` +
        `and --max-new-tokens ${req.maxNewTokens} would step through ${positions} (${most > 0 ? `use at most ${most} new tokens` : `shorten the prompt to at most ${limit} characters`})`,
    );
  }
  return { runDir, config, vocabulary, promptIds, incremental: d.capabilities.incremental };
}

/**
 * Loads the newest usable checkpoint (a newer damaged one is skipped with a line to `warn`: which and why)
 * and writes each new character to `write` as it is sampled.
 */
export async function generateFromRun(
  run: GenerateRun,
  req: GenerateRequest,
  write: (text: string) => void,
  warn: (line: string) => void = (l) => console.error(l),
): Promise<GenerateSummary> {
  const { name, model, state } = await explainingFsErrors([readFolder(run.runDir)], () => loadNewestModel(run.runDir, 'generate', 'generate from', warn));
  const meter = meterStates(decoderOf(model)); // also refuses a model without a DecoderLM
  try {
    const t0 = performance.now();
    let first = t0;
    let tokens = 0;
    const options = { maxNewTokens: req.maxNewTokens, temperature: req.temperature, topK: req.topK, seed: req.seed };
    for await (const ch of generateText(model, run.vocabulary, req.prompt, options)) {
      if (tokens === 0) first = performance.now();
      write(ch);
      tokens++;
    }
    const end = performance.now();
    return {
      tokens,
      promptChars: run.promptIds.length,
      firstTokenMs: first - t0,
      msPerToken: tokens > 1 ? (end - first) / (tokens - 1) : first - t0,
      stateBytes: meter.lastBytes,
      incremental: run.incremental,
      attention: run.config.attention,
      checkpoint: name,
      step: state.step,
      seed: req.seed,
    };
  } finally {
    meter.stop();
    model.dispose();
  }
}

const GROWTH: Record<IncrementalKind, string> = { recurrent: 'constant per token', window: 'bounded by its window', cache: 'grows with every token' };

/** The one stderr line after the text: speed, state size and how to get the same text again. */
export function formatGenerateSummary(s: GenerateSummary, backend: string): string {
  const state = s.stateBytes === undefined ? 'attention state n/a (no step ran)' : `attention state ${s.stateBytes.toLocaleString('en-US')} bytes after the last step`;
  return (
    `generate: ${s.tokens} tokens, ${s.msPerToken.toFixed(1)} ms/token (first after ${s.firstTokenMs.toFixed(0)} ms: the prompt's ${s.promptChars} characters); ` +
    `${state} (${s.attention}: ${s.incremental}, ${GROWTH[s.incremental]}); ${s.checkpoint} (step ${s.step}), backend ${backend}, --seed ${s.seed}`
  );
}
