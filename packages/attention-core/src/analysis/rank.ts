import type * as tf from '@tensorflow/tfjs-core';
import { AttentionInputError, shapeToString } from '../errors.js';

/** A row-major matrix in host memory. */
export interface HostMatrix {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

/**
 * Singular values, largest first, by one-sided Jacobi rotations (Hestenes
 * 1958) in float64: orthogonalises the columns until every pair is orthogonal
 * to machine precision; the column norms are then the singular values. Slower
 * than LAPACK but accurate to high relative precision, which is what a rank
 * count needs. Meant for analysis-sized matrices (a few hundred rows).
 */
export function singularValues(m: HostMatrix): Float64Array {
  const tall = m.rows >= m.cols;
  const r = tall ? m.rows : m.cols;
  const c = tall ? m.cols : m.rows;
  // Column-major working copy of A (or Aᵀ when wide), so columns are contiguous.
  const a = new Float64Array(r * c);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j]!;
      if (!Number.isFinite(v)) throw new AttentionInputError(`singularValues: the matrix holds a non-finite value at [${i}, ${j}]`);
      if (tall) a[j * r + i] = v;
      else a[i * r + j] = v;
    }
  }
  const eps = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < c - 1; p++) {
      for (let q = p + 1; q < c; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < r; i++) {
          const x = a[p * r + i]!;
          const y = a[q * r + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (let i = 0; i < r; i++) {
          const x = a[p * r + i]!;
          const y = a[q * r + i]!;
          a[p * r + i] = cs * x - sn * y;
          a[q * r + i] = sn * x + cs * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let norm = 0;
    for (let i = 0; i < r; i++) norm += a[j * r + i]! ** 2;
    s[j] = Math.sqrt(norm);
  }
  return s.sort().reverse();
}

export interface RankOptions {
  /**
   * Relative tolerance: singular values ≤ rtol · σ_max count as zero. Default
   * max(rows, cols) · ε with ε = 2⁻²³, the float32 machine epsilon — the
   * matrices come from float32 computation (NumPy's `matrix_rank` rule).
   */
  rtol?: number;
}

/** Numerical rank of a host matrix: the number of singular values above the tolerance. */
export function matrixRankOf(m: HostMatrix, options: RankOptions = {}): number {
  const s = singularValues(m);
  if (s.length === 0 || s[0] === 0) return 0;
  const rtol = options.rtol ?? Math.max(m.rows, m.cols) * 1.1920928955078125e-7;
  const tol = rtol * s[0]!;
  return s.filter((x) => x > tol).length;
}

/**
 * Numerical rank of each matrix in the last two axes of `t` (`[rows, cols]`,
 * `[heads, rows, cols]`, `[batch, heads, rows, cols]`, …), read back with
 * `await t.data()`. Returns a flat list in row-major order of the leading axes.
 */
export async function matrixRank(t: tf.Tensor, options: RankOptions = {}): Promise<number[]> {
  if (t.rank < 2) throw new AttentionInputError(`matrixRank: need a tensor of rank ≥ 2, got shape ${shapeToString(t.shape)}`);
  const rows = t.shape[t.rank - 2]!;
  const cols = t.shape[t.rank - 1]!;
  const data = await t.data();
  const count = data.length / (rows * cols);
  const ranks: number[] = [];
  for (let i = 0; i < count; i++) {
    ranks.push(matrixRankOf({ rows, cols, data: data.subarray(i * rows * cols, (i + 1) * rows * cols) }, options));
  }
  return ranks;
}
