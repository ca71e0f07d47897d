// Rank of each head's attention matrix, and with FLatten's DWC branch added.
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionLayer } from '@attention-zoo/attention-core';
import { matrixRankOf } from '@attention-zoo/attention-core/analysis';

export interface RankReport {
  /** rank(A_h) per head, from the layer's attention map. */
  perHead: number[];
  /**
   * With a depthwise-conv branch (a `dwc/kernel` weight `[k, k, c, 1]`): per head,
   * the smallest and largest rank of A_h + M_j over the conv's filters j, where
   * M_j is filter j's token-mixing matrix (FLatten, Han et al. 2023, Eq. 11–12:
   * O = φ(Q)φ(K)ᵀV + DWC(V), so channel j of a head mixes its values by A_h + M_j).
   */
  withDwc?: { min: number; max: number }[];
}

/** The DWC weight path of a layer, if it has one (FLatten names it `dwc/kernel`). */
export function dwcKernelPath(layer: AttentionLayer): string | undefined {
  return layer.weightPaths().find((p) => p === 'dwc/kernel' || p.endsWith('/dwc/kernel'));
}

/**
 * The `[N, N]` matrix of a depthwise k×k conv (stride 1, zero padding k//2)
 * for filter j on a `[H, W]` grid: M[i, i'] = weight that token i' gets in
 * output token i. `kernel` is row-major `[k, k, c, 1]` (tfjs depthwise layout).
 */
export function dwcMatrix(kernel: ArrayLike<number>, k: number, c: number, j: number, grid: [number, number]): Float64Array {
  const [gh, gw] = grid;
  const n = gh * gw;
  const m = new Float64Array(n * n);
  const half = Math.floor(k / 2);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) {
          const yy = y + dy - half;
          const xx = x + dx - half;
          if (yy < 0 || yy >= gh || xx < 0 || xx >= gw) continue;
          m[(y * gw + x) * n + yy * gw + xx] = kernel[(dy * k + dx) * c + j]!;
        }
      }
    }
  }
  return m;
}

/** Ranks of `maps` (host copy of `[heads, N, N]`) and, for layers with a DWC branch, of A_h + M_j. */
export async function attentionRanks(layer: AttentionLayer, maps: Float32Array, heads: number, n: number, grid: [number, number]): Promise<RankReport> {
  const perHead: number[] = [];
  for (let h = 0; h < heads; h++) perHead.push(matrixRankOf({ rows: n, cols: n, data: maps.subarray(h * n * n, (h + 1) * n * n) }));
  const path = dwcKernelPath(layer);
  if (!path) return { perHead };
  const w = layer.weight(path).read() as tf.Tensor;
  const [k, , c] = w.shape as number[];
  if (w.rank !== 4 || grid[0] * grid[1] !== n) return { perHead };
  const kernel = await w.data();
  const withDwc: { min: number; max: number }[] = [];
  for (let h = 0; h < heads; h++) {
    const a = maps.subarray(h * n * n, (h + 1) * n * n);
    let min = Infinity;
    let max = -Infinity;
    for (let j = 0; j < c!; j++) {
      const m = dwcMatrix(kernel, k!, c!, j, grid);
      for (let i = 0; i < m.length; i++) m[i] += a[i]!;
      const r = matrixRankOf({ rows: n, cols: n, data: m });
      min = Math.min(min, r);
      max = Math.max(max, r);
    }
    withDwc.push({ min, max });
  }
  return { perHead, withDwc };
}
