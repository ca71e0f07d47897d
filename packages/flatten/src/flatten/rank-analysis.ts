import * as tf from '@tensorflow/tfjs-core';
import { dense, softmaxAttentionWeights, splitHeads } from '@attention-zoo/attention-core/ops';
import { matrixRankOf } from '@attention-zoo/attention-core/analysis';
import { dwcMixingMatrix } from '../shared/dwc.js';
import { FLattenAttention } from './layer.js';

export interface RankAnalysisOptions {
  /** Token grid; default [14, 14] (DeiT-T at 224², N = 196). */
  grid?: [number, number];
  /** Default 3 (DeiT-T). */
  numHeads?: number;
  /** Default 64 (DeiT-T). */
  headDim?: number;
  /** Default 3. */
  focusingFactor?: number;
  /** Default 5. */
  kernelSize?: number;
  /** Seeds the input tokens and the layer's weights. Default 0. */
  seed?: number;
}

export type RankForm = 'softmax' | 'linear' | 'focused' | 'focused + DWC';

export interface RankAnalysisRow {
  form: RankForm;
  /** Numerical rank of each head's N×N attention matrix. */
  ranks: number[];
  /** The most a matrix of this form can have: N, or d for linear maps. */
  bound: number;
  /** Mean entropy (nats) of the rows of the attention matrix, per head: lower = more focused. Undefined for the DWC form (not a distribution). */
  entropy?: number[];
}

export interface RankAnalysis {
  tokens: number;
  numHeads: number;
  headDim: number;
  rows: RankAnalysisRow[];
}

/** Mean over rows of −Σ_j a_ij log a_ij for each head of `[heads, N, N]` host data (rows renormalised to sum 1). */
function rowEntropy(data: Float32Array, heads: number, n: number): number[] {
  const out: number[] = [];
  for (let h = 0; h < heads; h++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = data.subarray((h * n + i) * n, (h * n + i + 1) * n);
      const s = row.reduce((a, v) => a + v, 0);
      let e = 0;
      for (const v of row) if (v > 0) e -= (v / s) * Math.log(v / s);
      total += e;
    }
    out.push(total / n);
  }
  return out;
}

function ranksOf(data: Float32Array | Float64Array, heads: number, n: number): number[] {
  return Array.from({ length: heads }, (_, h) => matrixRankOf({ rows: n, cols: n, data: data.subarray(h * n * n, (h + 1) * n * n) }));
}

/**
 * The paper's rank and focus analysis (Han et al. 2023, Fig. 3 and Fig. 5) on
 * a DeiT-T-like layer with random weights and random tokens: for one sample,
 * each head's N×N attention matrix for softmax (full rank possible), plain
 * linear attention (ReLU kernel, p = 1: rank ≤ d), focused linear attention
 * (rank ≤ d), and focused linear attention + DWC, counting the DWC as the
 * token-mixing matrix of its first filter (zero padding) added to the
 * attention matrix (rank restored towards N). Also the mean row entropy of
 * the three distributions (focus: lower is sharper). The paper measured a
 * trained DeiT-T (softmax 196, focused 54, focused + DWC 196); random weights
 * show the same bounds, not the same numbers.
 */
export async function flattenRankAnalysis(options: RankAnalysisOptions = {}): Promise<RankAnalysis> {
  const grid = options.grid ?? [14, 14];
  const heads = options.numHeads ?? 3;
  const d = options.headDim ?? 64;
  const k = options.kernelSize ?? 5;
  const seed = options.seed ?? 0;
  const n = grid[0] * grid[1];
  const dim = heads * d;
  const layer = new FLattenAttention({ dim, numHeads: heads, grid, seed, focusingFactor: options.focusingFactor, kernelSize: k });
  const x = tf.randomNormal([1, n, dim], 0, 1, 'float32', seed + 1) as tf.Tensor3D; // tfjs: a seed of 0 means unseeded
  try {
    const focused = layer.kernelAttentionMap(x); // [1, h, N, N]
    const linear = layer.kernelAttentionMap(x, { focusingFactor: 1 });
    const soft = tf.tidy(() => {
      const w = (p: string) => layer.weight(p).read();
      const q = splitHeads(dense(x, w('q/kernel') as tf.Tensor2D, w('q/bias') as tf.Tensor1D) as tf.Tensor3D, heads);
      const kk = splitHeads(dense(x, w('k/kernel') as tf.Tensor2D, w('k/bias') as tf.Tensor1D) as tf.Tensor3D, heads);
      return softmaxAttentionWeights(q, kk, { scale: d ** -0.5 });
    });
    const [fd, ld, sd, kernel] = await Promise.all([focused.data(), linear.data(), soft.data(), layer.weight('dwc/kernel').read().data()]);
    tf.dispose([focused, linear, soft]);
    const withDwc = new Float64Array(heads * n * n);
    const m = dwcMixingMatrix(kernel, k, d, 0, grid);
    for (let h = 0; h < heads; h++) for (let i = 0; i < n * n; i++) withDwc[h * n * n + i] = fd[h * n * n + i]! + m[i]!;
    return {
      tokens: n,
      numHeads: heads,
      headDim: d,
      rows: [
        { form: 'softmax', ranks: ranksOf(sd as Float32Array, heads, n), bound: n, entropy: rowEntropy(sd as Float32Array, heads, n) },
        { form: 'linear', ranks: ranksOf(ld as Float32Array, heads, n), bound: Math.min(d, n), entropy: rowEntropy(ld as Float32Array, heads, n) },
        { form: 'focused', ranks: ranksOf(fd as Float32Array, heads, n), bound: Math.min(d, n), entropy: rowEntropy(fd as Float32Array, heads, n) },
        { form: 'focused + DWC', ranks: ranksOf(withDwc, heads, n), bound: n },
      ],
    };
  } finally {
    x.dispose();
    layer.dispose();
  }
}

/** The analysis as a plain-text table (one line per form). */
export function formatRankTable(a: RankAnalysis): string {
  const lines = [
    `FLatten rank analysis: N = ${a.tokens} tokens, ${a.numHeads} heads of d = ${a.headDim} (random weights)`,
    `${'form'.padEnd(15)} ${'rank per head'.padEnd(18)} ${'bound'.padEnd(6)} row entropy (nats; uniform = ${Math.log(a.tokens).toFixed(2)})`,
  ];
  for (const r of a.rows) {
    const ent = r.entropy ? r.entropy.map((e) => e.toFixed(3)).join(' / ') : '-';
    lines.push(`${r.form.padEnd(15)} ${r.ranks.join(' / ').padEnd(18)} ${String(r.bound).padEnd(6)} ${ent}`);
  }
  return lines.join('\n');
}
