// Turning an image or a string into tokens [1, N, dim] for the explorer.
import * as tf from '@tensorflow/tfjs-core';
import type { GridImage } from '../heatmap.js';

/** Image side in pixels and patch side: a 32×32 image is an 8×8 grid of 4×4 patches (64 tokens). */
export const IMAGE_SIDE = 32;
export const PATCH = 4;

export interface TokenInput {
  /** `[1, N, dim]` token embeddings. */
  x: tf.Tensor3D;
  /** Token grid `[height, width]`, row-major. */
  grid: [number, number];
  /** What to draw under the maps: the image, or one row of characters. */
  picture: GridImage;
  /** Per-token labels (characters of a text input). */
  labels?: string[];
}

/** mulberry32: a small seeded PRNG so embeddings are the same on every backend and every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded PRNG. */
function gaussians(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return out;
}

/** Sinusoidal position code (Vaswani et al. 2017, §3.5) of position p in `dim` channels. */
function sinusoid(p: number, dim: number, out: Float32Array, offset: number, weight: number): void {
  for (let i = 0; i < dim; i += 2) {
    const w = p / 10000 ** (i / dim);
    out[offset + i] = (out[offset + i] ?? 0) + weight * Math.sin(w);
    if (i + 1 < dim) out[offset + i + 1] = (out[offset + i + 1] ?? 0) + weight * Math.cos(w);
  }
}

/**
 * Patch embedding of a `IMAGE_SIDE²` grey image (values in [0, 1]): each 4×4
 * patch times a fixed seeded random matrix E [16, dim] (scaled 1/√16), plus a
 * 2-D sinusoidal position code (half the channels for the row, half for the
 * column) at weight 0.3 — the ViT recipe with untrained weights.
 */
export function embedImage(pixels: Float32Array, dim: number): TokenInput {
  const g = IMAGE_SIDE / PATCH;
  const n = g * g;
  const p2 = PATCH * PATCH;
  const e = gaussians(p2 * dim, 7).map((v) => v / Math.sqrt(p2));
  const x = new Float32Array(n * dim);
  for (let t = 0; t < n; t++) {
    const pr = Math.floor(t / g);
    const pc = t % g;
    for (let k = 0; k < p2; k++) {
      const v = pixels[(pr * PATCH + Math.floor(k / PATCH)) * IMAGE_SIDE + pc * PATCH + (k % PATCH)]!;
      if (v === 0) continue;
      for (let c = 0; c < dim; c++) x[t * dim + c] += v * e[k * dim + c]!;
    }
    const half = dim / 2;
    const pos = new Float32Array(dim);
    sinusoid(pr, half, pos, 0, 0.3);
    sinusoid(pc, half, pos, half, 0.3);
    for (let c = 0; c < dim; c++) x[t * dim + c] += pos[c]!;
  }
  return { x: tf.tensor3d(x, [1, n, dim]), grid: [g, g], picture: { rows: IMAGE_SIDE, cols: IMAGE_SIDE, values: pixels } };
}

/**
 * Character tokens: each distinct character gets a fixed seeded random
 * embedding (seeded by its code point, so equal characters embed equally),
 * plus a 1-D sinusoidal position code at weight 0.3.
 */
export function embedText(text: string, dim: number): TokenInput {
  const chars = [...text];
  const n = chars.length;
  const x = new Float32Array(n * dim);
  chars.forEach((ch, t) => {
    const e = gaussians(dim, 1000 + ch.codePointAt(0)!);
    for (let c = 0; c < dim; c++) x[t * dim + c] = e[c]!;
    sinusoid(t, dim, x, t * dim, 0.3);
  });
  const values = new Float32Array(n).fill(0.15);
  return { x: tf.tensor3d(x, [1, n, dim]), grid: [1, n], picture: { rows: 1, cols: n, values }, labels: chars };
}

/** The bundled sample images, drawn procedurally at `IMAGE_SIDE`² (no image files to ship). */
export const SAMPLES: Record<string, () => Float32Array> = {
  'ring and dot': () =>
    paint((x, y) => {
      const r = Math.hypot(x - 12, y - 12);
      return Math.abs(r - 8) < 2 || Math.hypot(x - 26, y - 26) < 3 ? 1 : 0;
    }),
  'two squares': () => paint((x, y) => ((x >= 3 && x < 13 && y >= 3 && y < 13) || (x >= 19 && x < 29 && y >= 17 && y < 29) ? 1 : 0)),
  stripes: () => paint((x) => (Math.floor(x / 4) % 2 === 0 ? 1 : 0)),
  'digit 7': () =>
    paint((x, y) => {
      const top = y >= 6 && y < 9 && x >= 8 && x < 25;
      const stroke = y >= 9 && y < 27 && Math.abs(x - (24 - (y - 9) * 0.55)) < 1.8;
      return top || stroke ? 1 : 0;
    }),
};

function paint(f: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < IMAGE_SIDE; y++) for (let x = 0; x < IMAGE_SIDE; x++) out[y * IMAGE_SIDE + x] = f(x + 0.5, y + 0.5);
  return out;
}
