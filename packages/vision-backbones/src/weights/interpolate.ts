/**
 * PyTorch's `F.interpolate(x, size, mode, align_corners=False, antialias)` for bilinear and bicubic
 * on host arrays `[C, H, W]`, separable (rows, then columns) with the same per-axis weights as
 * ATen's CPU kernels, so a checkpoint resized here matches one resized by timm or the official code.
 */
export type InterpolationMode = 'bilinear' | 'bicubic';

export interface InterpolateOptions {
  mode: InterpolationMode;
  /** PIL-style filtering (`antialias=True`): a = −0.5 cubic, weights normalised over the pixels inside. */
  antialias: boolean;
}

/** One output pixel of an axis: the input indices it reads and their weights. */
interface Tap {
  index: number[];
  weight: number[];
}

/** Keys' cubic convolution kernel, a = −0.75 (ATen's `upsample_bicubic2d`) or −0.5 (PIL, antialias). */
function cubic(x: number, a: number): number {
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function triangle(x: number): number {
  x = Math.abs(x);
  return x < 1 ? 1 - x : 0;
}

const clamp = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);

/** ATen's `_compute_indices_min_size_weights_aa`: filter support widened by the scale when downsampling. */
function antialiasTaps(inSize: number, outSize: number, mode: InterpolationMode): Tap[] {
  const scale = inSize / outSize;
  const half = mode === 'bicubic' ? 2 : 1;
  const support = scale >= 1 ? half * scale : half;
  const invscale = scale >= 1 ? 1 / scale : 1;
  const filter = mode === 'bicubic' ? (x: number) => cubic(x, -0.5) : triangle;
  return Array.from({ length: outSize }, (_, i) => {
    const center = scale * (i + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const index: number[] = [];
    const weight: number[] = [];
    for (let j = 0; j < xsize; j++) {
      index.push(xmin + j);
      weight.push(filter((j + xmin - center + 0.5) * invscale));
    }
    const total = weight.reduce((a, b) => a + b, 0);
    return { index, weight: weight.map((w) => (total !== 0 ? w / total : 0)) };
  });
}

/** ATen's plain kernels: source coordinate (i + 0.5)·scale − 0.5 (clamped at 0 for linear), edge pixels repeated. */
function plainTaps(inSize: number, outSize: number, mode: InterpolationMode): Tap[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    let src = (i + 0.5) * scale - 0.5;
    if (mode === 'bilinear') {
      src = Math.max(src, 0);
      const i0 = Math.floor(src);
      const t = src - i0;
      return { index: [clamp(i0, inSize), clamp(i0 + 1, inSize)], weight: [1 - t, t] };
    }
    const i0 = Math.floor(src);
    const t = src - i0;
    return { index: [-1, 0, 1, 2].map((d) => clamp(i0 + d, inSize)), weight: [cubic(t + 1, -0.75), cubic(t, -0.75), cubic(1 - t, -0.75), cubic(2 - t, -0.75)] };
  });
}

function taps(inSize: number, outSize: number, o: InterpolateOptions): Tap[] {
  return o.antialias ? antialiasTaps(inSize, outSize, o.mode) : plainTaps(inSize, outSize, o.mode);
}

/**
 * Resizes `[C, H, W]` (row-major) to `[C, h, w]`. Sizes equal to the input leave it unchanged
 * (as torch's kernels do, whose taps reduce to the identity there).
 */
export function interpolate2d(data: Float32Array, [c, h, w]: [number, number, number], [oh, ow]: [number, number], o: InterpolateOptions): Float32Array {
  if (data.length !== c * h * w) throw new Error(`interpolate2d: ${data.length} values for [${c}, ${h}, ${w}]`);
  // ATen interpolates in float32 with the per-axis weights in float32 (weights are rounded here too)
  const ty = taps(h, oh, o).map((t) => ({ index: t.index, weight: t.weight.map(Math.fround) }));
  const tx = taps(w, ow, o).map((t) => ({ index: t.index, weight: t.weight.map(Math.fround) }));
  const rows = new Float32Array(c * oh * w); // along H first
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < oh; y++) {
      const { index, weight } = ty[y]!;
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = 0; k < index.length; k++) s += weight[k]! * data[(ch * h + index[k]!) * w + x]!;
        rows[(ch * oh + y) * w + x] = s;
      }
    }
  }
  const out = new Float32Array(c * oh * ow);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const { index, weight } = tx[x]!;
        let s = 0;
        for (let k = 0; k < index.length; k++) s += weight[k]! * rows[(ch * oh + y) * w + index[k]!]!;
        out[(ch * oh + y) * ow + x] = s;
      }
    }
  }
  return out;
}
