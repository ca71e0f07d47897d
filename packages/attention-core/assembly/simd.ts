// Vector math the kernels share (WebAssembly SIMD, 4 × f32 lanes).

/**
 * exp(r), r = x − n·ln 2 for n = round(x / ln 2) (|r| ≤ ln 2 / 2): the part of Cephes expf both exp
 * forms share — r formed in two parts (Cody–Waite) so it keeps its low bits, then the degree-6
 * polynomial. The caller multiplies by 2^n.
 */
@inline function expMantissa4(x: v128, n: v128): v128 {
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
}

/** exp(x) for 4 lanes: Cephes expf (range reduction by ln 2, degree-6 polynomial, ≤ 2 ulp); 0 below −87.3, +inf above 88.7. */
@inline export function exp4(x: v128): v128 {
  const hi = f32x4.min(x, f32x4.splat(88.72283)); // exp(88.72) ≈ 3.4e38, the largest float32
  const lo = f32x4.max(hi, f32x4.splat(-87.33654));
  const n = f32x4.nearest(f32x4.mul(lo, f32x4.splat(1.44269504088896341))); // round(x / ln 2)
  const p = expMantissa4(lo, n);
  // 2^n by building the float's exponent bits
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const y = f32x4.mul(p, pow2);
  // below the float32 range: exactly 0 (a masked logit must weigh nothing); above it: +inf
  const under = f32x4.ge(x, f32x4.splat(-87.33654));
  const over = f32x4.gt(x, f32x4.splat(88.72283));
  return v128.bitselect(f32x4.splat(Infinity), v128.and(y, under), over);
}

/**
 * exp(x) for 4 lanes with x ≤ 0 (softmax numerators once the maximum is subtracted): exp4 without
 * the overflow branch; exactly 0 below −87.3 (and for −inf, a masked logit). Tuned for V8 on x64:
 * pmax (one maxps; wasm's max needs NaN fix-ups) and the round-to-integer by the 1.5·2²³ trick
 * instead of nearest + trunc_sat (a multi-instruction conversion).
 */
@inline export function expNonPositive4(x: v128): v128 {
  const lo = f32x4.pmax(x, f32x4.splat(-87.33654)); // −inf and NaN-free below: pmax keeps the bound
  const magic = f32x4.splat(12582912.0); // 1.5·2²³: y + magic rounds y to an integer in the low mantissa bits
  const t = f32x4.add(f32x4.mul(lo, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  const p = expMantissa4(lo, n);
  // 2^n: the integer sits in t's low bits (t − magic's bit pattern difference), shifted into the exponent
  const pow2 = i32x4.shl(i32x4.add(i32x4.sub(t, magic), i32x4.splat(127)), 23);
  return v128.and(f32x4.mul(p, pow2), f32x4.ge(x, f32x4.splat(-87.33654)));
}

/** exp(x) for one lane, through exp4 (the same rounding as the vector path). */
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

/** Sum of the 4 lanes. */
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Largest of the 4 lanes. */
@inline export function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** Byte offset of float index i. */
@inline export function f4(i: i32): usize {
  return <usize>i << 2;
}
