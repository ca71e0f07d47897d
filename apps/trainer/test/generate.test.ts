// `pnpm train generate`: a tiny char-lm run trained through main(), then generation through
// main() as the CLI runs it — streamed, seeded, inside the vocabulary, with clear errors.
import { mkdirSync } from 'node:fs';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '@attention-zoo/test-utils';
import { DecoderLM } from '@attention-zoo/attention-core';
import { main, parseArgs, UsageError, type CliOutput } from '../src/index.js';
import { helpText } from '../src/commands/help.js';
import { readTaskInfo, writeRunConfig, writeTaskInfo } from '../src/run-folder.js';
import { decoderOf } from '../src/tasks/char-lm.js';
import { registerMeanValues, tinyConfig, tmp } from './helpers.js';

/** A CliOutput that keeps what main wrote: each `write` call apart, and the stderr lines. */
function capture(onWrite: (text: string) => void = () => {}): CliOutput & { writes: string[]; notes: string[] } {
  const writes: string[] = [];
  const notes: string[] = [];
  return {
    writes,
    notes,
    write: (t) => {
      writes.push(t);
      onWrite(t);
    },
    note: (l) => void notes.push(l),
  };
}

describe('pnpm train generate', () => {
  let run: string;
  let vocabulary: string[];
  const generate = (extra: string[], out = capture()) =>
    main(['generate', '--run', run, '--backend', 'cpu', ...extra], out).then((code) => ({ code, out, text: out.writes.join('').replace(/\n$/, '') }));

  beforeAll(async () => {
    await useBackend('cpu');
    run = tmp('generate');
    // The README's command at a tiny size: a linear variant, whose decoding state is constant.
    const code = await main(
      ['--task', 'char-lm', '--attention', 'linear-elu', '--dim', '16', '--depth', '1', '--heads', '2', '--batch', '16', '--steps', '3', '--warmup', '1',
        '--train-limit', '96', '--val-limit', '16', '--test-limit', '16', '--eval-every', '3', '--checkpoint-every', '3', '--backend', 'cpu', '--run', run, '--quiet'],
      capture(),
    );
    expect(code).toBe(0);
    vocabulary = readTaskInfo(run).vocabulary!;
  }, 120_000);

  afterEach(() => vi.restoreAllMocks());

  it('writes each character as it is sampled, before generation ends', async () => {
    const steps = vi.spyOn(DecoderLM.prototype, 'step');
    const stepsAtWrite: number[] = [];
    const prompt = 'Call me';
    const { code, out } = await generate(['--prompt', prompt, '--max-new-tokens', '12', '--seed', '1'], capture(() => stepsAtWrite.push(steps.mock.calls.length)));
    expect(code).toBe(0);
    const chars = out.writes.slice(0, -1);
    expect(out.writes.at(-1)).toBe('\n'); // the shell prompt starts on its own line
    expect(chars).toHaveLength(12); // one write per token
    for (const c of chars) expect([...c]).toHaveLength(1);
    // The k-th character is written after the prompt's 7 steps and k more; 7 + 11 steps in all.
    expect(stepsAtWrite.slice(0, -1)).toEqual(Array.from({ length: 12 }, (_, k) => prompt.length + k));
    expect(steps).toHaveBeenCalledTimes(prompt.length + 11);
  });

  it('is deterministic with a seed, stays in the vocabulary, and sums up on stderr', async () => {
    const a = await generate(['--prompt', 'Call me', '--max-new-tokens', '40', '--seed', '7', '--temperature', '0.8', '--top-k', '10']);
    const b = await generate(['--prompt', 'Call me', '--max-new-tokens', '40', '--seed', '7', '--temperature', '0.8', '--top-k', '10']);
    const c = await generate(['--prompt', 'Call me', '--max-new-tokens', '40', '--seed', '8', '--temperature', '0.8', '--top-k', '10']);
    expect([...a.text]).toHaveLength(40);
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
    for (const ch of a.text) expect(vocabulary).toContain(ch);
    expect(a.out.notes).toHaveLength(1);
    expect(a.out.notes[0]).toMatch(
      /^generate: 40 tokens, [\d.]+ ms\/token \(first after \d+ ms: the prompt's 7 characters\); attention state [\d,]+ bytes after the last step \(linear-elu: recurrent, constant per token\); step-00000003 \(step 3\), backend cpu, --seed 7$/,
    );
  });

  it('keeps a constant attention state for a recurrent variant, however long it generates', async () => {
    const bytes = async (n: number) => Number(/attention state ([\d,]+) bytes/.exec((await generate(['--prompt', 'I', '--max-new-tokens', `${n}`, '--seed', '0'])).out.notes[0]!)![1]!.replace(/,/g, ''));
    const short = await bytes(3);
    expect(short).toBeGreaterThan(0);
    expect(await bytes(30)).toBe(short);
  });

  it('refuses a missing folder, a run of another task, and a model without a DecoderLM', async () => {
    await expect(main(['generate', '--run', `${run}-missing`, '--prompt', 'a'], capture())).rejects.toThrow(`generate: run folder '${run}-missing' does not exist`);
    const listops = tmp('generate-listops');
    mkdirSync(listops, { recursive: true });
    writeRunConfig(listops, tinyConfig());
    await expect(main(['generate', '--run', listops, '--prompt', 'a'], capture())).rejects.toThrow(/is a listops run, not a char-lm one; generate needs the decoder language model of a char-lm run/);
    const notLm = tfl.sequential({ name: 'classifier', layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => decoderOf(notLm)).toThrow(/model 'classifier' has no DecoderLM layer/);
    notLm.dispose();
  });

  it('refuses, before loading a model, an attention without a step form and a text longer than a length-tied attention allows', async () => {
    // Run folders as a char-lm training writes them, for attentions the tiny run did not use.
    const runOf = (attention: string) => {
      const dir = tmp(`generate-${attention}`);
      mkdirSync(dir, { recursive: true });
      writeRunConfig(dir, { ...tinyConfig(['--task', 'char-lm']), attention });
      writeTaskInfo(dir, readTaskInfo(run));
      return dir;
    };
    const noStep = registerMeanValues('test-causal-no-step', { causal: true });
    await expect(main(['generate', '--run', runOf(noStep), '--prompt', 'a'], capture())).rejects.toThrow(
      `generate: attention '${noStep}' has no incremental form (initialState/step), and generate decodes one token at a time`,
    );
    const tied = runOf('aft-full'); // its position biases cover the 64 training positions only
    await expect(main(['generate', '--run', tied, '--prompt', 'Call me', '--max-new-tokens', '60'], capture())).rejects.toThrow(
      "generate: 'aft-full' is tied to the 64 positions it was trained on; the prompt's 7 characters and --max-new-tokens 60 would step through 66 (use at most 58 new tokens)",
    );
    await expect(main(['generate', '--run', tied, '--prompt', 'x'.repeat(70), '--max-new-tokens', '1'], capture())).rejects.toThrow(/shorten the prompt to at most 64 characters/);
  });

  it('refuses prompts it cannot read, naming every unknown character, and bad numbers', async () => {
    await expect(generate(['--prompt', 'Call me \u{1F40B}\u0007\u{1F40B}'])).rejects.toThrow(
      `generate: the prompt's characters "\u{1F40B}" (U+1F40B), "\\u0007" (U+0007) are not in the vocabulary of this model`,
    );
    await expect(generate(['--prompt', 'Call me \u{1F40B}'])).rejects.toThrow(UsageError);
    await expect(generate(['--prompt', ''])).rejects.toThrow(/--prompt is empty/);
    await expect(generate([])).rejects.toThrow(/generate needs --prompt/);
    await expect(main(['generate', '--prompt', 'a'], capture())).rejects.toThrow(/generate needs --run <dir>/);
    const bad: [string, string, RegExp][] = [
      ['--max-new-tokens', '0', /--max-new-tokens must be a positive integer, got '0'/],
      ['--max-new-tokens', 'lots', /--max-new-tokens must be a positive integer, got 'lots'/],
      ['--temperature', '-1', /--temperature must be a non-negative number, got '-1'/],
      ['--temperature', 'hot', /--temperature must be a non-negative number, got 'hot'/],
      ['--top-k', '2.5', /--top-k must be a positive integer, got '2.5'/],
      ['--seed', '-3', /--seed must be a non-negative integer, got '-3'/],
    ];
    for (const [flag, value, message] of bad) expect(() => parseArgs(['generate', '--run', run, '--prompt', 'a', flag, value])).toThrow(message);
    expect(() => parseArgs(['generate', '--run', run, '--prompt', 'a', '--steps', '3'])).toThrow(/unknown option '--steps'/);
  });

  it('is in the usage of pnpm train --help, with its own --help', async () => {
    const own = parseArgs(['generate', '--help']).help!.text;
    for (const flag of ['--run <value>', '--prompt <value>', '--max-new-tokens <n>', '--temperature <n>', '--top-k <n>', '--seed <n>', '--backend <value>']) expect(own).toContain(flag);
    expect(own).toContain('sampling seed');
    const all = helpText();
    expect(all).toContain('pnpm train generate --run <dir> --prompt "text"');
  });
});
