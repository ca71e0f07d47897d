// The linear-attention primitive (Katharopoulos et al. 2020, Eq. 5–9) and the pieces of its gradient.
// One head per call; rows of q, k, v, o are `*s` floats apart, elements contiguous.
import { f4, hsum } from './simd';

/** o[i, :] = 0 for n rows of width w. */
export function zeroRows(o: usize, os: i32, n: i32, w: i32): void {
  for (let i = 0; i < n; i++) memory.fill(o + f4(i * os), 0, f4(w));
}

/** y[j, :] = x[j, :] · s[j] (row scales: a key-padding mask), y contiguous with row stride w. */
export function scaleRows(x: usize, xs: i32, s: usize, y: usize, n: i32, w: i32): void {
  for (let j = 0; j < n; j++) {
    const f = load<f32>(s + f4(j));
    for (let c = 0; c < w; c++) store<f32>(y + f4(j * w + c), load<f32>(x + f4(j * xs + c)) * f);
  }
}

/** z[:] = Σ_j x[j, :] over n rows of width w. */
export function sumRows(x: usize, xs: i32, z: usize, n: i32, w: i32): void {
  memory.fill(z, 0, f4(w));
  const w4 = w & ~3;
  for (let j = 0; j < n; j++) {
    const r = x + f4(j * xs);
    for (let c = 0; c < w4; c += 4) v128.store(z + f4(c), f32x4.add(v128.load(z + f4(c)), v128.load(r + f4(c))));
    for (let c = w4; c < w; c++) store<f32>(z + f4(c), load<f32>(z + f4(c)) + load<f32>(r + f4(c)));
  }
}

@inline function dot(a: usize, b: usize, w: i32): f32 {
  let s = f32x4.splat(0);
  for (let c = 0; c < w; c += 4) s = f32x4.add(s, f32x4.mul(v128.load(a + f4(c)), v128.load(b + f4(c))));
  return hsum(s);
}

@inline function scaleRow(o: usize, w: i32, f: f32): void {
  const s = f32x4.splat(f);
  for (let c = 0; c < w; c += 4) v128.store(o + f4(c), f32x4.mul(v128.load(o + f4(c)), s));
}

/**
 * The normaliser's denominators (Eq. 6; causal, Eq. 9): den[i] = q[i, :]·z + eps with z = Σ_j k[j, :]
 * over all keys (given, m floats), or, causal, over j ≤ i (z is then m floats of scratch).
 */
export function denominators(q: usize, qs: i32, k: usize, ks: i32, z: usize, den: usize, n: i32, m: i32, eps: f32, causal: i32): void {
  if (causal) memory.fill(z, 0, f4(m));
  for (let i = 0; i < n; i++) {
    if (causal) {
      const kr = k + f4(i * ks);
      for (let c = 0; c < m; c += 4) v128.store(z + f4(c), f32x4.add(v128.load(z + f4(c)), v128.load(kr + f4(c))));
    }
    store<f32>(den + f4(i), dot(q + f4(i * qs), z, m) + eps);
  }
}

/** o[i, :] /= den[i] for n rows of width w (multiple of 4). */
export function divideRows(o: usize, os: i32, den: usize, n: i32, w: i32): void {
  for (let i = 0; i < n; i++) scaleRow(o + f4(i * os), w, <f32>1 / load<f32>(den + f4(i)));
}

/** y[j, :] = [x[j, :], 1, 0, 0, 0] (row stride w + 4): the ones column turns Σ kᵀv into Σ kᵀ[v | 1]. */
export function withOnes(x: usize, xs: i32, y: usize, n: i32, w: i32): void {
  for (let j = 0; j < n; j++) {
    const r = y + f4(j * (w + 4));
    memory.copy(r, x + f4(j * xs), f4(w));
    v128.store(r + f4(w), f32x4(1, 0, 0, 0));
  }
}

/**
 * Causal product without normaliser: o[i, :] += Σ_{j ≤ i} (q[i]·k[j]) v[j, :] (reverse: j ≥ i), for
 * n tokens, q/k width m and v width dv (both multiples of 4). The state Σ k[j]ᵀv[j] is never stored:
 * each 4 × 8 tile of it lives in registers while the tokens stream past (Eq. 8–9 as a scan),
 * so time is O(n·m·dv) and memory O(1) beyond the inputs.
 */
export function scan(q: usize, qs: i32, k: usize, ks: i32, v: usize, vs: i32, o: usize, os: i32, n: i32, m: i32, dv: i32, reverse: i32): void {
  // Reverse walks the rows from the last one with negative steps (wasm32 address arithmetic wraps).
  const step = reverse ? -1 : 1;
  const first = reverse ? n - 1 : 0;
  const qstep = <usize>(qs * 4 * step), kstep = <usize>(ks * 4 * step), vstep = <usize>(vs * 4 * step), ostep = <usize>(os * 4 * step);
  for (let a = 0; a < m; a += 4) {
    let c = 0;
    for (; c + 8 <= dv; c += 8) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let qp = q + f4(first * qs + a), kp = k + f4(first * ks + a);
      let vp = v + f4(first * vs + c), op = o + f4(first * os + c);
      for (let t = 0; t < n; t++) {
        const v0 = v128.load(vp), v1 = v128.load(vp, 16);
        const k0 = v128.load32_splat(kp), k1 = v128.load32_splat(kp + 4), k2 = v128.load32_splat(kp + 8), k3 = v128.load32_splat(kp + 12);
        s00 = f32x4.add(s00, f32x4.mul(k0, v0)); s01 = f32x4.add(s01, f32x4.mul(k0, v1));
        s10 = f32x4.add(s10, f32x4.mul(k1, v0)); s11 = f32x4.add(s11, f32x4.mul(k1, v1));
        s20 = f32x4.add(s20, f32x4.mul(k2, v0)); s21 = f32x4.add(s21, f32x4.mul(k2, v1));
        s30 = f32x4.add(s30, f32x4.mul(k3, v0)); s31 = f32x4.add(s31, f32x4.mul(k3, v1));
        const q0 = v128.load32_splat(qp), q1 = v128.load32_splat(qp + 4), q2 = v128.load32_splat(qp + 8), q3 = v128.load32_splat(qp + 12);
        let o0 = f32x4.add(f32x4.mul(q0, s00), f32x4.mul(q1, s10));
        let o1 = f32x4.add(f32x4.mul(q0, s01), f32x4.mul(q1, s11));
        o0 = f32x4.add(o0, f32x4.add(f32x4.mul(q2, s20), f32x4.mul(q3, s30)));
        o1 = f32x4.add(o1, f32x4.add(f32x4.mul(q2, s21), f32x4.mul(q3, s31)));
        v128.store(op, f32x4.add(v128.load(op), o0));
        v128.store(op, f32x4.add(v128.load(op, 16), o1), 16);
        qp += qstep; kp += kstep; vp += vstep; op += ostep;
      }
    }
    for (; c < dv; c += 4) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let qp = q + f4(first * qs + a), kp = k + f4(first * ks + a);
      let vp = v + f4(first * vs + c), op = o + f4(first * os + c);
      for (let t = 0; t < n; t++) {
        const v0 = v128.load(vp);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(kp), v0));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(kp + 4), v0));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(kp + 8), v0));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(kp + 12), v0));
        let o0 = f32x4.add(f32x4.mul(v128.load32_splat(qp), s0), f32x4.mul(v128.load32_splat(qp + 4), s1));
        o0 = f32x4.add(o0, f32x4.add(f32x4.mul(v128.load32_splat(qp + 8), s2), f32x4.mul(v128.load32_splat(qp + 12), s3)));
        v128.store(op, f32x4.add(v128.load(op), o0));
        qp += qstep; kp += kstep; vp += vstep; op += ostep;
      }
    }
  }
}

/**
 * The per-query terms of the gradient (dy → ∂num, ∂den): with out = num/den,
 * g[i, :] = dy[i, :]/den[i] and h[i] = −(dy[i, :]·out[i, :])/den[i]. Row strides gs (g) and hs (h).
 */
export function gradTerms(dy: usize, dys: i32, out: usize, outs: i32, den: usize, g: usize, gs: i32, h: usize, hs: i32, n: i32, dv: i32): void {
  for (let i = 0; i < n; i++) {
    const r: f32 = <f32>1 / load<f32>(den + f4(i));
    const d = dy + f4(i * dys);
    store<f32>(h + f4(i * hs), -dot(d, out + f4(i * outs), dv) * r);
    const s = f32x4.splat(r);
    const gr = g + f4(i * gs);
    for (let c = 0; c < dv; c += 4) v128.store(gr + f4(c), f32x4.mul(v128.load(d + f4(c)), s));
  }
}

/** x[i, :] += a[i]·b[:] (a rank-1 update; a one float per row, or every row the same when as = 0), width w. */
export function addOuter(x: usize, xs: i32, a: usize, as: i32, b: usize, n: i32, w: i32): void {
  for (let i = 0; i < n; i++) {
    const s = v128.load32_splat(a + f4(i * as));
    const r = x + f4(i * xs);
    for (let c = 0; c < w; c += 4) v128.store(r + f4(c), f32x4.add(v128.load(r + f4(c)), f32x4.mul(s, v128.load(b + f4(c)))));
  }
}
