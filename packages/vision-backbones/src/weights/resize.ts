import type { HostTensor } from '@attention-zoo/attention-core/weights';
import { interpolate2d, type InterpolateOptions } from './interpolate.js';

/** timm's `resample_abs_pos_embed` default: bicubic with antialias. */
export const TIMM_POS_EMBED: InterpolateOptions = { mode: 'bicubic', antialias: true };

/** `[C, H, W]` → `[H·W, C]` and back, around the interpolation of a token grid. */
function tokensToPlanes(src: Float32Array, offset: number, n: number, c: number): Float32Array {
  const planes = new Float32Array(n * c);
  for (let t = 0; t < n; t++) for (let ch = 0; ch < c; ch++) planes[ch * n + t] = src[offset + t * c + ch]!;
  return planes;
}

function planesToTokens(planes: Float32Array, out: Float32Array, offset: number, n: number, c: number): void {
  for (let t = 0; t < n; t++) for (let ch = 0; ch < c; ch++) out[offset + t * c + ch] = planes[ch * n + t]!;
}

/**
 * A learned absolute position embedding `[1, prefix + h·w, C]` resampled to a new token grid
 * (timm `resample_abs_pos_embed`): the class/distillation tokens' rows are kept, the grid's rows
 * are interpolated as a C-channel image. The old grid is taken as square, as timm assumes.
 */
export function resamplePosEmbed(t: HostTensor, newGrid: [number, number], prefixTokens: number, how: InterpolateOptions = TIMM_POS_EMBED): HostTensor {
  const c = t.shape[t.shape.length - 1]!;
  const n = t.shape[t.shape.length - 2]!;
  const side = Math.round(Math.sqrt(n - prefixTokens));
  if (side * side !== n - prefixTokens) throw new Error(`a position embedding of ${n} tokens (${prefixTokens} class tokens) is not a square grid`);
  const [gh, gw] = newGrid;
  const out = new Float32Array((prefixTokens + gh * gw) * c);
  const src = t.data as Float32Array;
  out.set(src.subarray(0, prefixTokens * c));
  const planes = interpolate2d(tokensToPlanes(src, prefixTokens * c, side * side, c), [c, side, side], [gh, gw], how);
  planesToTokens(planes, out, prefixTokens * c, gh * gw, c);
  return { dtype: 'float32', shape: [...t.shape.slice(0, -2), prefixTokens + gh * gw, c], data: out, sourceDtype: t.sourceDtype };
}

/**
 * Swin's `relative_position_bias_table` `[(2w−1)², heads]` for a new window side: bicubic
 * (no antialias) over the (2w−1)×(2w−1) table of each head, as the official Swin `load_pretrained`
 * and timm's `resize_rel_pos_bias_table_simple` do when fine-tuning at another window.
 */
export function resizeRelativePositionBiasTable(t: HostTensor, newWindow: number): HostTensor {
  const [rows, heads] = t.shape as [number, number];
  const side = Math.round(Math.sqrt(rows));
  if (t.shape.length !== 2 || side * side !== rows) throw new Error(`a relative position bias table must be [(2w−1)², heads], got [${t.shape.join(', ')}]`);
  const newSide = 2 * newWindow - 1;
  const planes = interpolate2d(tokensToPlanes(t.data as Float32Array, 0, rows, heads), [heads, side, side], [newSide, newSide], { mode: 'bicubic', antialias: false });
  const out = new Float32Array(newSide * newSide * heads);
  planesToTokens(planes, out, 0, newSide * newSide, heads);
  return { dtype: 'float32', shape: [newSide * newSide, heads], data: out, sourceDtype: t.sourceDtype };
}
