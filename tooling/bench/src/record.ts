import type { BackendName } from '@attention-zoo/backends';

/** `decode` runs its own measurement (`decode.ts`): token-by-token steps, not whole-sequence passes. */
export type BenchMode = 'forward' | 'train' | 'decode';

/** What one measurement is of: a variant, a backend, a shape and a mode. */
export interface BenchSetting {
  variant: string;
  backend: BackendName;
  tokens: number;
  dim: number;
  numHeads: number;
  batch: number;
  mode: BenchMode;
  /** Layer options the bench set for this variant (e.g. Linformer's fixed k), when any. */
  options?: Record<string, number>;
}

/** One measurement: the JSON record format of `<out>/<backend>-<timestamp>.json`. */
export interface BenchRecord extends BenchSetting {
  /** Median, min and max wall time of one run in ms (read-back of the result included). */
  ms_median: number;
  ms_min: number;
  ms_max: number;
  runs: number;
  /** Peak bytes of tfjs tensors during one run, above what was live before it. */
  peak_bytes: number;
  /** Resident set size of the process after the runs. */
  rss_bytes: number;
  /** 1-minute load average of the machine when the case finished (shared machines: read times with it). */
  load1?: number;
  /** The kernels that took the most time in one profiled run (tf.profile), by total ms. */
  kernels?: { name: string; ms: number; calls: number }[];
  /** The same layer in onnxruntime, forward, same input and weights (`--vs-ort`). */
  ort?: { version: string; ms_median: number; ms_min: number; rel_err: number };
  /** Set when the case did not run: predicted over budget, out of memory, error. */
  skipped?: string;
}
