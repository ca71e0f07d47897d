import type * as tf from '@tensorflow/tfjs-core';
import type { AttentionLayer } from '@attention-zoo/attention-core';

/** One window of tokens: their indices (row-major on the window grid) and the grid `[h, w]`. */
export interface HostWindow {
  tokens: number[];
  grid: [number, number];
  /** Tokens of the window that are queries/keys but not on the grid (class tokens), first. */
  cls?: number;
}

const softplus = (x: number) => Math.log1p(Math.exp(x));

/**
 * An independent float64 computation of a FLatten layer's output on the host,
 * from its weights: dense attention weights per window and head (never
 * K^T V first), the DWC as explicit taps with zero padding, LePE when present.
 */
export async function hostFocusedReference(
  layer: AttentionLayer,
  x: tf.Tensor3D,
  windows: HostWindow[],
  opts: { p: number; causal?: boolean; lepe?: boolean; keyPaddingMask?: tf.Tensor2D },
): Promise<{ data: Float64Array; shape: number[] }> {
  const [b, n, c] = x.shape;
  const h = layer.numHeads;
  const d = c / h;
  const w = async (path: string) => Float64Array.from(await layer.weight(path).read().data());
  const xs = Float64Array.from(await x.data());
  // Key padding (1 = real): a padded key is in neither sum of Eq. 4, and its value is 0 in the DWC/LePE taps.
  const real = opts.keyPaddingMask ? Float64Array.from(await opts.keyPaddingMask.data()) : undefined;
  const isReal = (bi: number, t: number) => (real ? real[bi * n + t] !== 0 : true);
  const [wq, wk, wv, bq, bk, bv, wo, bo, scale, pos, dk, db] = await Promise.all(
    ['q/kernel', 'k/kernel', 'v/kernel', 'q/bias', 'k/bias', 'v/bias', 'out/kernel', 'out/bias', 'scale', 'positionalEncoding', 'dwc/kernel', 'dwc/bias'].map(w),
  );
  const kk = layer.weight('dwc/kernel').shape[0]!;
  const lk = opts.lepe ? await w('lepe/kernel') : undefined;
  const lb = opts.lepe ? await w('lepe/bias') : undefined;
  const lin = (row: Float64Array, W: Float64Array, B: Float64Array) => {
    const out = new Float64Array(c);
    for (let o = 0; o < c; o++) {
      let s = B[o]!;
      for (let i = 0; i < c; i++) s += row[i]! * W[i * c + o]!;
      out[o] = s;
    }
    return out;
  };
  const phi = (row: Float64Array) => {
    const y = row.map((v, i) => (Math.max(v, 0) + 1e-6) / softplus(scale[i]!));
    const nrm = Math.hypot(...y);
    const yp = y.map((v) => v ** opts.p);
    const nrp = Math.hypot(...yp);
    return yp.map((v) => (v / nrp) * nrm);
  };
  const out = new Float64Array(b * n * c);
  for (let bi = 0; bi < b; bi++) {
    const mixed = Array.from({ length: n }, () => new Float64Array(c));
    for (const win of windows) {
      const rows = win.tokens.map((t) => xs.subarray((bi * n + t) * c, (bi * n + t + 1) * c));
      const Q = rows.map((r) => phi(lin(r, wq, bq)));
      const K = rows.map((r, i) => phi(lin(r, wk, bk).map((v, j) => v + pos[i * c + j]!)));
      const V = rows.map((r, i) => (isReal(bi, win.tokens[i]!) ? lin(r, wv, bv) : new Float64Array(c)));
      const keyReal = win.tokens.map((t) => isReal(bi, t));
      const m = win.tokens.length;
      for (let hi = 0; hi < h; hi++) {
        for (let i = 0; i < m; i++) {
          const last = opts.causal ? i : m - 1;
          const s: number[] = [];
          for (let j = 0; j <= last; j++) {
            let dot = 0;
            for (let e = 0; e < d; e++) dot += Q[i]![hi * d + e]! * K[j]![hi * d + e]!;
            s.push(keyReal[j] ? dot : 0);
          }
          // Non-causal: the official n·(mean + 1e-6); causal: Σ_{j≤i} + 1e-6. With padding the mean
          // runs over the window's real keys only, so n is their count.
          const realKeys = keyReal.filter(Boolean).length;
          const den = opts.causal ? s.reduce((a, v) => a + v, 0) + 1e-6 : s.reduce((a, v) => a + v, 0) + realKeys * 1e-6;
          for (let e = 0; e < d; e++) {
            let acc = 0;
            for (let j = 0; j <= last; j++) acc += (s[j]! / den) * V[j]![hi * d + e]!;
            mixed[win.tokens[i]!]![hi * d + e]! += acc;
          }
        }
      }
      // DWC (one set of d filters for every head) and LePE (C filters) on the window grid, zero padding.
      const cls = win.cls ?? 0;
      const [gh, gw] = win.grid;
      const tap = (ker: Float64Array, ks: number, ch: number, nch: number, y: number, x0: number, src: (t: number) => number) => {
        let acc = 0;
        const r = Math.floor(ks / 2);
        for (let dy = 0; dy < ks; dy++) {
          for (let dx = 0; dx < ks; dx++) {
            const yy = y + dy - r;
            const xx = x0 + dx - r;
            if (yy < 0 || yy >= gh || xx < 0 || xx >= gw) continue;
            if (opts.causal && (dy > r || (dy === r && dx > r))) continue;
            acc += ker[(dy * ks + dx) * nch + ch]! * src(cls + yy * gw + xx);
          }
        }
        return acc;
      };
      for (let y = 0; y < gh; y++) {
        for (let x0 = 0; x0 < gw; x0++) {
          const t = win.tokens[cls + y * gw + x0]!;
          for (let ch = 0; ch < c; ch++) {
            const j = ch % d;
            mixed[t]![ch]! += db[j]! + tap(dk, kk, j, d, y, x0, (i) => V[i]![ch]!);
            if (lk) mixed[t]![ch]! += lb![ch]! + tap(lk, 3, ch, c, y, x0, (i) => V[i]![ch]!);
          }
        }
      }
    }
    for (let t = 0; t < n; t++) out.set(lin(mixed[t]!, wo, bo), (bi * n + t) * c);
  }
  return { data: out, shape: [b, n, c] };
}

/** Swin's shifted windows of a `[H, W]` grid, each window's tokens row-major. */
export function swinWindows(gh: number, gw: number, ws: number, shift: number): HostWindow[] {
  const wins: HostWindow[] = [];
  for (let wy = 0; wy < gh / ws; wy++) {
    for (let wx = 0; wx < gw / ws; wx++) {
      const tokens: number[] = [];
      for (let y = 0; y < ws; y++) for (let x = 0; x < ws; x++) tokens.push(((wy * ws + y + shift) % gh) * gw + ((wx * ws + x + shift) % gw));
      wins.push({ tokens, grid: [ws, ws] });
    }
  }
  return wins;
}
