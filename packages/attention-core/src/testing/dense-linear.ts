// The float64 building blocks of every dense test reference: a layer's own weight read off the
// device, and x·W + b written as plain loops (independent of tfjs math). Small sizes only.
import type { AttentionLayer } from '../layers/attention-layer.js';

/** The layer's weight at `path` as float64, or null where the layer has none (e.g. no bias). */
export async function readWeight(layer: AttentionLayer, path: string): Promise<Float64Array | null> {
  return layer.weightPaths().includes(path) ? Float64Array.from(await layer.weight(path).read().data()) : null;
}

/** y = x·W + b for `rows` row-major rows of x [rows, din], W [din, dout], b [dout] or none. */
export function denseLinear(
  x: ArrayLike<number>,
  rows: number,
  din: number,
  dout: number,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
): Float64Array {
  const out = new Float64Array(rows * dout);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < dout; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < din; i++) s += x[r * din + i]! * w[i * dout + o]!;
      out[r * dout + o] = s;
    }
  }
  return out;
}

/** The standard q/k/v/out projections as [wq, bq, wk, bk, wv, bv, wo, bo] (a bias is null where absent). */
export function readProjections(layer: AttentionLayer): Promise<(Float64Array | null)[]> {
  return Promise.all(
    ['q/kernel', 'q/bias', 'k/kernel', 'k/bias', 'v/kernel', 'v/bias', 'out/kernel', 'out/bias'].map((p) => readWeight(layer, p)),
  );
}
