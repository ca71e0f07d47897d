import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '@attention-zoo/attention-core';

export interface RandomFeaturesOptions {
  /** Seed of the draw; the same seed gives the same matrix on every backend. Default: a random seed. */
  seed?: number;
  /**
   * Row lengths: 0 = χ(d)-distributed, as the rows of a Gaussian matrix (the
   * official default, `scaling=0`); 1 = every row has length √d.
   */
  scaling?: 0 | 1;
  /** Orthogonal rows inside each block of d (the "+" of FAVOR+, default true); false = i.i.d. Gaussian rows. */
  orthogonal?: boolean;
}

/** splitmix32: a small seeded PRNG, uniform in (0, 1). Host-side, so a draw is identical on every backend. */
function uniformSource(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return (z + 0.5) / 4294967296;
  };
}

/** Standard normal samples by the Box–Muller transform. */
function gaussianSource(seed: number): () => number {
  const u = uniformSource(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** A d×d block with orthonormal rows: Gram–Schmidt on Gaussian rows (Haar-distributed, like QR of a Gaussian matrix). */
function orthonormalBlock(d: number, gauss: () => number): Float64Array[] {
  const rows: Float64Array[] = [];
  while (rows.length < d) {
    const r = Float64Array.from({ length: d }, gauss);
    // Twice-applied modified Gram–Schmidt keeps the rows orthogonal to float64 precision.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of rows) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += r[i]! * b[i]!;
        for (let i = 0; i < d; i++) r[i]! -= dot * b[i]!;
      }
    }
    const norm = Math.hypot(...r);
    if (norm < 1e-8) continue; // (probability 0) a dependent draw: draw again
    for (let i = 0; i < d; i++) r[i]! /= norm;
    rows.push(r);
  }
  return rows;
}

/**
 * The random projection ω `[m, d]` of FAVOR+ (Choromanski et al. 2021, §2.4 and
 * Lemma 2 / Theorem 2): rows orthogonal inside each block of d rows ("ORF"),
 * each row then rescaled to a χ(d) length (`scaling: 0`) or to √d
 * (`scaling: 1`) — the construction of the official `create_projection_matrix`.
 * Drawn on the host in float64 from a seeded generator, so it is reproducible.
 */
export function orthogonalRandomFeatures(m: number, d: number, options: RandomFeaturesOptions = {}): tf.Tensor2D {
  if (!Number.isInteger(m) || m < 1) throw new AttentionConfigError(`orthogonalRandomFeatures: the number of features m must be a positive integer, got ${m}`);
  if (!Number.isInteger(d) || d < 1) throw new AttentionConfigError(`orthogonalRandomFeatures: the dimension d must be a positive integer, got ${d}`);
  const scaling = options.scaling ?? 0;
  if (scaling !== 0 && scaling !== 1) throw new AttentionConfigError(`orthogonalRandomFeatures: scaling must be 0 (χ(d) lengths) or 1 (length √d), got ${JSON.stringify(scaling)}`);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const gauss = gaussianSource(seed);
  const out = new Float32Array(m * d);
  const orthogonal = options.orthogonal ?? true;
  for (let start = 0; start < m; start += d) {
    const rows = orthogonal ? orthonormalBlock(d, gauss) : null;
    for (let r = 0; r < Math.min(d, m - start); r++) {
      const dir = rows ? rows[r]! : Float64Array.from({ length: d }, gauss);
      let len: number;
      if (scaling === 1) len = Math.sqrt(d) / Math.hypot(...dir);
      else len = rows ? Math.hypot(...Array.from({ length: d }, gauss)) : 1; // i.i.d. Gaussian rows already have χ(d) lengths
      for (let i = 0; i < d; i++) out[(start + r) * d + i] = dir[i]! * len;
    }
  }
  return tf.tensor2d(out, [m, d]);
}
