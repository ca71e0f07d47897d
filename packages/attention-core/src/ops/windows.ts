import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError } from '../errors.js';

/** `torch.roll(x, shifts=(s, s), dims=(1, 2))` on `[B, H, W, C]`: token (i, j) moves to ((i + s) mod H, (j + s) mod W). */
export function roll2d(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const sh = ((s % h) + h) % h;
  const sw = ((s % w) + w) % w;
  return tf.tidy(() => {
    let y: tf.Tensor4D = x;
    if (sh) y = tf.concat([tf.slice(y, [0, h - sh, 0, 0], [-1, sh, -1, -1]), tf.slice(y, [0, 0, 0, 0], [-1, h - sh, -1, -1])], 1);
    if (sw) y = tf.concat([tf.slice(y, [0, 0, w - sw, 0], [-1, -1, sw, -1]), tf.slice(y, [0, 0, 0, 0], [-1, -1, w - sw, -1])], 2);
    return sh || sw ? y : tf.clone(y);
  });
}

/** Swin's `window_partition`: `[B, H, W, C]` → `[B·nW, ws·ws, C]`, windows row-major, tokens row-major inside. */
export function windowPartition(x: tf.Tensor4D, ws: number): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const t = tf.reshape(x, [b, h / ws, ws, w / ws, ws, c]);
    return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [-1, ws * ws, c]) as tf.Tensor3D;
  });
}

/** Swin's `window_reverse`: `[B·nW, ws·ws, C]` → `[B, H, W, C]`. */
export function windowReverse(windows: tf.Tensor3D, ws: number, h: number, w: number): tf.Tensor4D {
  const c = windows.shape[2];
  const b = windows.shape[0] / ((h / ws) * (w / ws));
  return tf.tidy(() => {
    const t = tf.reshape(windows, [b, h / ws, w / ws, ws, ws, c]);
    return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), [b, h, w, c]) as tf.Tensor4D;
  });
}

/**
 * For each position of the window layout (window-major, then row-major inside
 * the window) the grid token it holds after the cyclic shift by −s: the
 * permutation that `roll2d(−s)` + `windowPartition` apply to the tokens.
 */
export function windowTokenOrder(h: number, w: number, ws: number, s: number): Int32Array {
  const order = new Int32Array(h * w);
  let p = 0;
  for (let wy = 0; wy < h / ws; wy++) {
    for (let wx = 0; wx < w / ws; wx++) {
      for (let y = 0; y < ws; y++) {
        for (let x = 0; x < ws; x++) {
          const gy = (wy * ws + y + s) % h;
          const gx = (wx * ws + x + s) % w;
          order[p++] = gy * w + gx;
        }
      }
    }
  }
  return order;
}

/** Window and shift of a Swin block after its clamp, for a grid. */
export interface SwinWindow {
  /** Side of the windows actually used: `windowSize`, or min(grid) when that is smaller. */
  window: number;
  /** Cyclic shift actually used: `shiftSize`, or 0 when one window covers the map. */
  shift: number;
}

/**
 * Swin's window rule (official `SwinTransformerBlock.__init__`): if min(grid) ≤ windowSize,
 * one window covers the map and there is no shift. Throws `AttentionConfigError`, naming
 * `who`, for a window that does not tile the grid or a shift outside [0, window).
 */
export function swinWindow(who: string, grid: [number, number], windowSize: number, shiftSize: number): SwinWindow {
  if (!Number.isInteger(windowSize) || windowSize < 1) {
    throw new AttentionConfigError(`${who}: windowSize must be a positive integer, got ${JSON.stringify(windowSize)}`);
  }
  const [h, w] = grid;
  const global = Math.min(h, w) <= windowSize;
  const window = global ? Math.min(h, w) : windowSize;
  const shift = global ? 0 : shiftSize;
  if (!Number.isInteger(shiftSize) || shift < 0 || shift >= window) {
    throw new AttentionConfigError(`${who}: shiftSize must be an integer in [0, windowSize=${window}), got ${JSON.stringify(shiftSize)}`);
  }
  if (h % window !== 0 || w % window !== 0) {
    throw new AttentionConfigError(`${who}: grid [${h}, ${w}] is not divisible into ${window}×${window} windows (windowSize ${windowSize})`);
  }
  return { window, shift };
}

/** Tokens `[B, H·W, C]` (row-major) → windows `[B·nW, ws², C]` of the grid cyclically shifted by −shift. */
export function tokensToWindows(x: tf.Tensor3D, grid: [number, number], { window, shift }: SwinWindow): tf.Tensor3D {
  return tf.tidy(() => {
    const map = tf.reshape(x, [x.shape[0], grid[0], grid[1], x.shape[2]]) as tf.Tensor4D;
    return windowPartition(shift ? roll2d(map, -shift) : map, window);
  });
}

/** Windows `[B·nW, ws², C]` → tokens `[B, H·W, C]`, undoing `tokensToWindows` (reverse, then shift back). */
export function windowsToTokens(windows: tf.Tensor3D, grid: [number, number], { window, shift }: SwinWindow): tf.Tensor3D {
  return tf.tidy(() => {
    const [h, w] = grid;
    const map = windowReverse(windows, window, h, w);
    const back = shift ? roll2d(map, shift) : map;
    return tf.reshape(back, [back.shape[0], h * w, windows.shape[2]]) as tf.Tensor3D;
  });
}
