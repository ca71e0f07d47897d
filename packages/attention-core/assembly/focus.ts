// FLatten's kernel function φ_p (Han et al. 2023, Eq. 6, as the official code computes it):
// y = (ReLU(x + pos) + 1e-6) / softplus(scale), then the focusing function over all C channels of
// a token, f_p(y) = ‖y‖ · y^p / ‖y^p‖, evaluated on u = y / max(y) (f_p is invariant to that
// rescaling inside the power, so nothing overflows). One token row of C (multiple of 4) per step;
// p a positive integer (≤ 8: powers as products).
import { f4, hmax, hsum } from './simd';

const KERNEL_EPS: f32 = 1e-6;

/** u^e for a small positive integer e, as products. */
@inline function ipow4(u: v128, e: i32): v128 {
  let r = f32x4.splat(1);
  for (let i = 0; i < e; i++) r = f32x4.mul(r, u);
  return r;
}

/** y = (ReLU(x + pos) + ε) / sp into `y`; returns max(y). pos = 0: none. */
@inline function relu(x: usize, pos: usize, sp: usize, y: usize, c: i32): f32 {
  let mx = f32x4.splat(0);
  for (let j = 0; j < c; j += 4) {
    let xi = v128.load(x + f4(j));
    if (pos) xi = f32x4.add(xi, v128.load(pos + f4(j)));
    const yi = f32x4.div(f32x4.add(f32x4.pmax(xi, f32x4.splat(0)), f32x4.splat(KERNEL_EPS)), v128.load(sp + f4(j)));
    v128.store(y + f4(j), yi);
    mx = f32x4.pmax(mx, yi);
  }
  return hmax(mx);
}

/**
 * φ for `rows` tokens of x `[rows, C]` (pos `[posRows, C]` added to row r as row r mod posRows, 0 = no pos),
 * sp `[C]` = softplus(scale) → out `[rows, C]`.
 */
export function focusForward(x: usize, pos: usize, posRows: i32, sp: usize, out: usize, rows: i32, c: i32, p: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + f4(r * c), or = out + f4(r * c);
    const m = relu(xr, pos ? pos + f4((r % posRows) * c) : 0, sp, or, c);
    const inv = <f32>1 / m;
    let uu = f32x4.splat(0), zz = f32x4.splat(0);
    for (let j = 0; j < c; j += 4) {
      const u = f32x4.mul(v128.load(or + f4(j)), f32x4.splat(inv));
      const z = ipow4(u, p);
      uu = f32x4.add(uu, f32x4.mul(u, u));
      zz = f32x4.add(zz, f32x4.mul(z, z));
      v128.store(or + f4(j), z);
    }
    const factor = f32x4.splat(m * Mathf.sqrt(hsum(uu)) / Mathf.sqrt(hsum(zz))); // ‖y‖ / ‖u^p‖
    for (let j = 0; j < c; j += 4) v128.store(or + f4(j), f32x4.mul(v128.load(or + f4(j)), factor));
  }
}

/**
 * Backward of φ: with g = ∂L/∂φ, ẑ = u^p/‖u^p‖, G = g·ẑ and a = ‖y‖,
 *   ∂L/∂y = G·y/a + p·(a/max)·u^{p−1}·(g − G·ẑ)/‖u^p‖,
 * then dx = ∂L/∂y · [x + pos > 0] / sp and, per element, ∂L/∂sp = −∂L/∂y · y / sp (summed over tokens by the caller).
 * y (C floats) is scratch.
 */
export function focusBackward(x: usize, pos: usize, posRows: i32, sp: usize, g: usize, dx: usize, dsp: usize, rows: i32, c: i32, p: i32, y: usize): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + f4(r * c), gr = g + f4(r * c), dxr = dx + f4(r * c), dsr = dsp + f4(r * c);
    const pr = pos ? pos + f4((r % posRows) * c) : 0;
    const m = relu(xr, pr, sp, y, c);
    const inv = <f32>1 / m;
    let uu = f32x4.splat(0), zz = f32x4.splat(0), gz = f32x4.splat(0);
    for (let j = 0; j < c; j += 4) {
      const u = f32x4.mul(v128.load(y + f4(j)), f32x4.splat(inv));
      const z = ipow4(u, p);
      uu = f32x4.add(uu, f32x4.mul(u, u));
      zz = f32x4.add(zz, f32x4.mul(z, z));
      gz = f32x4.add(gz, f32x4.mul(v128.load(gr + f4(j)), z));
    }
    const bn = Mathf.sqrt(hsum(zz)); // ‖u^p‖
    const a = m * Mathf.sqrt(hsum(uu)); // ‖y‖
    const G = f32x4.splat(hsum(gz) / bn); // g·ẑ
    const t1 = f32x4.mul(G, f32x4.splat(<f32>1 / a));
    const t2 = f32x4.splat(<f32>p * a * inv / bn);
    const invBn = f32x4.splat(<f32>1 / bn);
    for (let j = 0; j < c; j += 4) {
      const yj = v128.load(y + f4(j));
      const u = f32x4.mul(yj, f32x4.splat(inv));
      const zhat = f32x4.mul(ipow4(u, p), invBn);
      const dy = f32x4.add(f32x4.mul(t1, yj), f32x4.mul(f32x4.mul(t2, ipow4(u, p - 1)), f32x4.sub(v128.load(gr + f4(j)), f32x4.mul(G, zhat))));
      let xi = v128.load(xr + f4(j));
      if (pr) xi = f32x4.add(xi, v128.load(pr + f4(j)));
      const s = v128.load(sp + f4(j));
      v128.store(dxr + f4(j), v128.and(f32x4.div(dy, s), f32x4.gt(xi, f32x4.splat(0))));
      v128.store(dsr + f4(j), f32x4.neg(f32x4.div(f32x4.mul(dy, yj), s)));
    }
  }
}
