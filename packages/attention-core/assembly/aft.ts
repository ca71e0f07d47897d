// AFT-simple (Zhai et al. 2021, Eq. 5): Y_t = σ(Q_t) ⊙ Σ_t' softmax_t'(K)_t' ⊙ V_t', every channel on
// its own, over all t' (or t' ≤ t, causal). One sequence [T, C] per call, C a multiple of 4; stats
// keep what the gradient needs. Memory passes: non-causal 3 reads of K (max, sums) and one of Q, V;
// causal one streaming pass with a running maximum per channel (no position underflows).
import { exp4, expNonPositive4, f4 } from './simd';

/** σ(x) = 1 / (1 + e^−x), through e^−|x| so nothing overflows. */
@inline function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const one = f32x4.splat(1);
  const r = f32x4.div(one, f32x4.add(one, e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

const NEG_INF: f32 = -Infinity;

/**
 * Forward. Non-causal: stat = [max_t K | Σ exp(K − max) | r = Σ exp(K − max) V / Σ exp(K − max)]
 * (3·C floats). Causal: stat = per token [M_t | D_t | r_t] (3·T·C floats: running max, denominator, ratio).
 */
export function aftSimpleForward(q: usize, k: usize, v: usize, y: usize, stat: usize, t: i32, c: i32, causal: i32, scratch: usize): void {
  const row = f4(c);
  if (!causal) {
    const mx = stat, den = stat + row, r = stat + 2 * row;
    const num = scratch;
    for (let j = 0; j < c; j += 4) {
      v128.store(mx + f4(j), f32x4.splat(NEG_INF));
      v128.store(den + f4(j), f32x4.splat(0));
      v128.store(num + f4(j), f32x4.splat(0));
    }
    for (let i = 0; i < t; i++) {
      const kr = k + <usize>i * row;
      for (let j = 0; j < c; j += 4) v128.store(mx + f4(j), f32x4.pmax(v128.load(mx + f4(j)), v128.load(kr + f4(j))));
    }
    for (let i = 0; i < t; i++) {
      const kr = k + <usize>i * row, vr = v + <usize>i * row;
      for (let j = 0; j < c; j += 4) {
        const e = expNonPositive4(f32x4.sub(v128.load(kr + f4(j)), v128.load(mx + f4(j))));
        v128.store(den + f4(j), f32x4.add(v128.load(den + f4(j)), e));
        v128.store(num + f4(j), f32x4.add(v128.load(num + f4(j)), f32x4.mul(e, v128.load(vr + f4(j)))));
      }
    }
    for (let j = 0; j < c; j += 4) v128.store(r + f4(j), f32x4.div(v128.load(num + f4(j)), v128.load(den + f4(j))));
    for (let i = 0; i < t; i++) {
      const qr = q + <usize>i * row, yr = y + <usize>i * row;
      for (let j = 0; j < c; j += 4) v128.store(yr + f4(j), f32x4.mul(sigmoid4(v128.load(qr + f4(j))), v128.load(r + f4(j))));
    }
    return;
  }
  const m = scratch, num = scratch + row, den = scratch + 2 * row;
  for (let j = 0; j < c; j += 4) {
    v128.store(m + f4(j), f32x4.splat(NEG_INF));
    v128.store(num + f4(j), f32x4.splat(0));
    v128.store(den + f4(j), f32x4.splat(0));
  }
  for (let i = 0; i < t; i++) {
    const kr = k + <usize>i * row, vr = v + <usize>i * row, qr = q + <usize>i * row, yr = y + <usize>i * row;
    const sr = stat + <usize>i * 3 * row;
    for (let j = 0; j < c; j += 4) {
      const kj = v128.load(kr + f4(j));
      const mo = v128.load(m + f4(j));
      const mn = f32x4.pmax(mo, kj);
      const a = expNonPositive4(f32x4.sub(mo, mn)); // rescale the sums to the new maximum (−inf − x → 0)
      const e = expNonPositive4(f32x4.sub(kj, mn));
      const nu = f32x4.add(f32x4.mul(v128.load(num + f4(j)), a), f32x4.mul(e, v128.load(vr + f4(j))));
      const de = f32x4.add(f32x4.mul(v128.load(den + f4(j)), a), e);
      v128.store(m + f4(j), mn);
      v128.store(num + f4(j), nu);
      v128.store(den + f4(j), de);
      const r = f32x4.div(nu, de);
      v128.store(sr + f4(j), mn);
      v128.store(sr + row + f4(j), de);
      v128.store(sr + 2 * row + f4(j), r);
      v128.store(yr + f4(j), f32x4.mul(sigmoid4(v128.load(qr + f4(j))), r));
    }
  }
}

/**
 * Backward: with s = σ(Q), dr_t = dY_t ⊙ s_t, dQ = dY ⊙ r ⊙ s(1 − s); the softmax weights
 * w_{t,t'} = exp(K_t' − M_t)/D_t give dV_t' = Σ_t w_{t,t'} dr_t and dK_t' = Σ_t w_{t,t'} (V_t' − r_t) dr_t
 * over all t (non-causal) or t ≥ t' (causal: a reverse scan, rescaled by exp(M_t' − M_t) ≤ 1).
 */
export function aftSimpleBackward(q: usize, k: usize, v: usize, dy: usize, stat: usize, dq: usize, dk: usize, dv: usize, t: i32, c: i32, causal: i32, scratch: usize): void {
  const row = f4(c);
  const one = f32x4.splat(1);
  if (!causal) {
    const mx = stat, den = stat + row, r = stat + 2 * row;
    const dr = scratch;
    for (let j = 0; j < c; j += 4) v128.store(dr + f4(j), f32x4.splat(0));
    for (let i = 0; i < t; i++) {
      const qr = q + <usize>i * row, dyr = dy + <usize>i * row, dqr = dq + <usize>i * row;
      for (let j = 0; j < c; j += 4) {
        const s = sigmoid4(v128.load(qr + f4(j)));
        const g = v128.load(dyr + f4(j));
        v128.store(dr + f4(j), f32x4.add(v128.load(dr + f4(j)), f32x4.mul(g, s)));
        v128.store(dqr + f4(j), f32x4.mul(f32x4.mul(g, v128.load(r + f4(j))), f32x4.mul(s, f32x4.sub(one, s))));
      }
    }
    for (let i = 0; i < t; i++) {
      const kr = k + <usize>i * row, vr = v + <usize>i * row, dkr = dk + <usize>i * row, dvr = dv + <usize>i * row;
      for (let j = 0; j < c; j += 4) {
        const w = f32x4.div(expNonPositive4(f32x4.sub(v128.load(kr + f4(j)), v128.load(mx + f4(j)))), v128.load(den + f4(j)));
        const wd = f32x4.mul(w, v128.load(dr + f4(j)));
        v128.store(dvr + f4(j), wd);
        v128.store(dkr + f4(j), f32x4.mul(wd, f32x4.sub(v128.load(vr + f4(j)), v128.load(r + f4(j)))));
      }
    }
    return;
  }
  // Reverse scans: A_t' = Σ_{t ≥ t'} dr_t exp(M_t' − M_t)/D_t, B_t' the same with dr_t ⊙ r_t.
  const a = scratch, b = scratch + row;
  for (let j = 0; j < c; j += 4) {
    v128.store(a + f4(j), f32x4.splat(0));
    v128.store(b + f4(j), f32x4.splat(0));
  }
  for (let i = t - 1; i >= 0; i--) {
    const qr = q + <usize>i * row, dyr = dy + <usize>i * row, dqr = dq + <usize>i * row;
    const kr = k + <usize>i * row, vr = v + <usize>i * row, dkr = dk + <usize>i * row, dvr = dv + <usize>i * row;
    const sr = stat + <usize>i * 3 * row;
    const next = i + 1 < t ? stat + <usize>(i + 1) * 3 * row : 0;
    for (let j = 0; j < c; j += 4) {
      const m = v128.load(sr + f4(j)), d = v128.load(sr + row + f4(j)), r = v128.load(sr + 2 * row + f4(j));
      const s = sigmoid4(v128.load(qr + f4(j)));
      const g = v128.load(dyr + f4(j));
      v128.store(dqr + f4(j), f32x4.mul(f32x4.mul(g, r), f32x4.mul(s, f32x4.sub(one, s))));
      const drd = f32x4.div(f32x4.mul(g, s), d);
      const decay = next ? expNonPositive4(f32x4.sub(m, v128.load(next + f4(j)))) : f32x4.splat(0);
      const ai = f32x4.add(drd, f32x4.mul(decay, v128.load(a + f4(j))));
      const bi = f32x4.add(f32x4.mul(drd, r), f32x4.mul(decay, v128.load(b + f4(j))));
      v128.store(a + f4(j), ai);
      v128.store(b + f4(j), bi);
      const e = expNonPositive4(f32x4.sub(v128.load(kr + f4(j)), m)); // exp(K_t' − M_t')
      v128.store(dvr + f4(j), f32x4.mul(e, ai));
      v128.store(dkr + f4(j), f32x4.mul(e, f32x4.sub(f32x4.mul(v128.load(vr + f4(j)), ai), bi)));
    }
  }
}
