// Softmax attention by tiles with an online softmax (Dao et al. 2022, FlashAttention, Alg. 1;
// the backward pass as its Alg. 2 / FlashAttention-2): per head, blocks of BR queries × BC keys;
// the BR×BC logits of one tile are the only quadratic-in-block memory, never N×M. One kernel for
// full, causal (key j ≤ query i) and banded attention (|i − j| ≤ w, causal: 0 ≤ i − j ≤ w), with an
// additive key bias row (0, or −inf for a padded key).
import { gemm, transpose } from './gemm';
import { expNonPositive4, f4, hmax, hsum } from './simd';

/** Query rows per tile. */
export const BR: i32 = 64;
/** Key columns per tile. */
export const BC: i32 = 64;

const NEG_INF: f32 = -Infinity;

/** First and one-past-last key of the band query i sees (all keys: lo 0, hi keys). */
@inline function keyLo(i: i32, window: i32): i32 {
  return window < 0 ? 0 : max(0, i - window);
}
@inline function keyHi(i: i32, keys: i32, causal: i32, window: i32): i32 {
  let hi = keys;
  if (causal) hi = min(hi, i + 1);
  else if (window >= 0) hi = min(hi, i + window + 1);
  return hi;
}

/**
 * Row r of a tile of logits s (row stride BC, `cols` keys from j0), query i: s ← s·scale + bias[j]
 * inside the row's band, −inf outside; returns the row maximum (−inf when nothing is kept).
 */
@inline function maskRow(s: usize, cols: i32, i: i32, j0: i32, keys: i32, scale: f32, causal: i32, window: i32, bias: usize): f32 {
  const lo = keyLo(i, window) - j0;
  const hi = keyHi(i, keys, causal, window) - j0; // keep lo ≤ c < hi, c < cols
  const top = min(hi, cols);
  let mx = f32x4.splat(NEG_INF);
  const sc = f32x4.splat(scale);
  const ninf = f32x4.splat(NEG_INF);
  for (let c = 0; c < cols; c += 4) {
    const idx = i32x4(c, c + 1, c + 2, c + 3);
    const keep = v128.and(i32x4.ge_s(idx, i32x4.splat(lo)), i32x4.lt_s(idx, i32x4.splat(top)));
    const x = bias ? f32x4.add(f32x4.mul(v128.load(s + f4(c)), sc), v128.load(bias + f4(j0 + c))) : f32x4.mul(v128.load(s + f4(c)), sc);
    const y = v128.bitselect(x, ninf, keep);
    v128.store(s + f4(c), y);
    mx = f32x4.pmax(mx, y);
  }
  return hmax(mx);
}

/** Row r of a tile every one of whose entries is kept (no band edge, no padded key, whole vectors): s ← s·scale; returns the maximum. */
@inline function scaleRowMax(s: usize, cols: i32, scale: f32): f32 {
  let mx = f32x4.splat(NEG_INF);
  const sc = f32x4.splat(scale);
  for (let c = 0; c < cols; c += 4) {
    const y = f32x4.mul(v128.load(s + f4(c)), sc);
    v128.store(s + f4(c), y);
    mx = f32x4.pmax(mx, y);
  }
  return hmax(mx);
}

/** Whether every entry of the tile (queries i0 … i0 + rows − 1, keys j0 … j0 + cols − 1) is kept, so no row needs masking. */
@inline function interior(i0: i32, rows: i32, j0: i32, cols: i32, keys: i32, causal: i32, window: i32, bias: usize): bool {
  return bias == 0 && (cols & 3) == 0 && keyLo(i0 + rows - 1, window) <= j0 && keyHi(i0, keys, causal, window) >= j0 + cols;
}

/** s ← exp(s − m) over `cols` (rounded up to 4; masked entries are −inf → 0); returns the sum. */
@inline function expRow(s: usize, cols: i32, m: f32): f32 {
  let sum = f32x4.splat(0);
  const mm = f32x4.splat(m);
  for (let c = 0; c < cols; c += 4) {
    const p = expNonPositive4(f32x4.sub(v128.load(s + f4(c)), mm));
    v128.store(s + f4(c), p);
    sum = f32x4.add(sum, p);
  }
  return hsum(sum);
}

@inline function scaleRow(o: usize, w: i32, f: f32): void {
  const w4 = w & ~3;
  const s = f32x4.splat(f);
  for (let c = 0; c < w4; c += 4) v128.store(o + f4(c), f32x4.mul(v128.load(o + f4(c)), s));
  for (let c = w4; c < w; c++) store<f32>(o + f4(c), load<f32>(o + f4(c)) * f);
}

/**
 * xᵀ tile by tile: key tile t (keys tBC … tBC + BC − 1) of x `[keys, w]` becomes a `[w, BC]`
 * row-major block at t·w·BC. One tile's rows are then BC floats apart, not `keys`: with `keys`
 * a power of two, rows 16 KiB apart all fall in the same L1 sets and evict each other.
 */
function packTransposed(x: usize, xs: i32, out: usize, keys: i32, w: i32): void {
  for (let j0 = 0; j0 < keys; j0 += BC) transpose(x + f4(j0 * xs), xs, out + f4(j0 * w), BC, min(BC, keys - j0), w);
}

/**
 * Forward for one head: o = softmax(q kᵀ·scale + bias, band) v, and for the backward pass each
 * query's softmax statistics stat[2i] = max_j logit_ij, stat[2i + 1] = 1 / Σ_j exp(logit_ij − max)
 * (0 for a query with no key, whose output row is 0).
 * Scratch: kt (d × keys rounded up to BC), s (BR × BC), acc (BR × dv), stats (2·BR).
 */
export function flashForward(
  q: usize, qs: i32, k: usize, ks: i32, v: usize, vs: i32, o: usize, os: i32, stat: usize,
  n: i32, keys: i32, d: i32, dv: i32, scale: f32, causal: i32, window: i32, bias: usize,
  kt: usize, s: usize, acc: usize, stats: usize,
): void {
  packTransposed(k, ks, kt, keys, d); // Kᵀ by key tiles: the tile product is then row-major on both sides
  const mrow = stats, lrow = stats + f4(BR);
  for (let i0 = 0; i0 < n; i0 += BR) {
    const rows = min(BR, n - i0);
    const lo = keyLo(i0, window) / BC * BC; // whole key tiles (the packed Kᵀ is by tiles)
    const hi = keyHi(i0 + rows - 1, keys, causal, window);
    memory.fill(acc, 0, f4(rows * dv));
    for (let r = 0; r < rows; r++) {
      store<f32>(mrow + f4(r), NEG_INF);
      store<f32>(lrow + f4(r), 0);
    }
    for (let j0 = lo; j0 < hi; j0 += BC) {
      const cols = min(BC, hi - j0);
      gemm(q + f4(i0 * qs), qs, 1, kt + f4(j0 * d), BC, s, BC, rows, cols, d, 0, 0); // logits [rows, cols]
      const inside = interior(i0, rows, j0, cols, keys, causal, window, bias);
      for (let r = 0; r < rows; r++) {
        const sr = s + f4(r * BC);
        const mOld = load<f32>(mrow + f4(r));
        const mNew = max(mOld, inside ? scaleRowMax(sr, cols, scale) : maskRow(sr, cols, i0 + r, j0, keys, scale, causal, window, bias));
        if (mNew == NEG_INF) {
          memory.fill(sr, 0, f4(BC)); // nothing kept yet in this row
          continue;
        }
        const alpha = mOld == NEG_INF ? <f32>0 : f32x4.extract_lane(expNonPositive4(f32x4.splat(mOld - mNew)), 0);
        const sum = expRow(sr, cols, mNew);
        store<f32>(lrow + f4(r), load<f32>(lrow + f4(r)) * alpha + sum);
        store<f32>(mrow + f4(r), mNew);
        scaleRow(acc + f4(r * dv), dv, alpha);
      }
      gemm(s, BC, 1, v + f4(j0 * vs), vs, acc, dv, rows, dv, cols, 1, 0); // acc += P V
    }
    for (let r = 0; r < rows; r++) {
      const l = load<f32>(lrow + f4(r));
      const orow = o + f4((i0 + r) * os);
      memory.copy(orow, acc + f4(r * dv), f4(dv));
      scaleRow(orow, dv, l > 0 ? <f32>1 / l : 0);
      store<f32>(stat + f4(2 * (i0 + r)), load<f32>(mrow + f4(r)));
      store<f32>(stat + f4(2 * (i0 + r) + 1), l > 0 ? <f32>1 / l : 0);
    }
  }
}

/**
 * Backward for one head, given o, do and the softmax statistics of the forward pass: with
 * P = exp(logits − max)/Σ,
 * dV = Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − rowsum(dO ⊙ O)), dQ = dS K·scale, dK = dSᵀ Q·scale.
 * dq, dk, dv are accumulated into (zero them first). Scratch: kt (d × keys), vt (dv × keys), both rounded up to BC keys,
 * p and dp (BR × BC each), delta (BR).
 */
export function flashBackward(
  q: usize, qs: i32, k: usize, ks: i32, v: usize, vs: i32, o: usize, os: i32, dout: usize, dos: i32, stat: usize,
  dq: usize, dqs: i32, dk: usize, dks: i32, dvv: usize, dvs: i32,
  n: i32, keys: i32, d: i32, dv: i32, scale: f32, causal: i32, window: i32, bias: usize,
  kt: usize, vt: usize, p: usize, dp: usize, delta: usize,
): void {
  packTransposed(k, ks, kt, keys, d);
  packTransposed(v, vs, vt, keys, dv);
  for (let i0 = 0; i0 < n; i0 += BR) {
    const rows = min(BR, n - i0);
    const lo = keyLo(i0, window) / BC * BC;
    const hi = keyHi(i0 + rows - 1, keys, causal, window);
    for (let r = 0; r < rows; r++) {
      // delta_i = dO_i · O_i (= Σ_j P_ij dP_ij)
      let acc: f32 = 0;
      const a = dout + f4((i0 + r) * dos), b = o + f4((i0 + r) * os);
      for (let c = 0; c < dv; c++) acc += load<f32>(a + f4(c)) * load<f32>(b + f4(c));
      store<f32>(delta + f4(r), acc);
    }
    for (let j0 = lo; j0 < hi; j0 += BC) {
      const cols = min(BC, hi - j0);
      gemm(q + f4(i0 * qs), qs, 1, kt + f4(j0 * d), BC, p, BC, rows, cols, d, 0, 0);
      const inside = interior(i0, rows, j0, cols, keys, causal, window, bias);
      for (let r = 0; r < rows; r++) {
        const pr = p + f4(r * BC);
        const inv = load<f32>(stat + f4(2 * (i0 + r) + 1));
        if (inside) scaleRowMax(pr, cols, scale);
        else maskRow(pr, cols, i0 + r, j0, keys, scale, causal, window, bias);
        if (inv == 0) memory.fill(pr, 0, f4(BC)); // a query with no key
        else {
          expRow(pr, cols, load<f32>(stat + f4(2 * (i0 + r)))); // P = exp(logits − max) / Σ
          scaleRow(pr, cols, inv);
        }
      }
      gemm(dout + f4(i0 * dos), dos, 1, vt + f4(j0 * dv), BC, dp, BC, rows, cols, dv, 0, 0); // dP = dO Vᵀ
      gemm(p, 1, BC, dout + f4(i0 * dos), dos, dvv + f4(j0 * dvs), dvs, cols, dv, rows, 1, 0); // dV += Pᵀ dO
      for (let r = 0; r < rows; r++) {
        // dS = P ⊙ (dP − delta)·scale, in place of dP
        const pr = p + f4(r * BC), dr = dp + f4(r * BC);
        const dl = f32x4.splat(load<f32>(delta + f4(r)));
        const sc = f32x4.splat(scale);
        for (let c = 0; c < cols; c += 4) {
          v128.store(dr + f4(c), f32x4.mul(f32x4.mul(v128.load(pr + f4(c)), f32x4.sub(v128.load(dr + f4(c)), dl)), sc));
        }
      }
      gemm(dp, BC, 1, k + f4(j0 * ks), ks, dq + f4(i0 * dqs), dqs, rows, d, cols, 1, 0); // dQ += dS K
      gemm(dp, 1, BC, q + f4(i0 * qs), qs, dk + f4(j0 * dks), dks, cols, d, rows, 1, 0); // dK += dSᵀ Q
    }
  }
}
