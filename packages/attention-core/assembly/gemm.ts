// C = A·B (+ C) (+ bias), the product every kernel is built from.
// A(i, p) is at a + 4·(i·ars + p·acs): any strides, so Aᵀ·B needs no copy; B is row-major (row stride ldb);
// C row-major (row stride ldc). Register tiles of 4 rows × 8 columns (8 accumulators: more spill in V8's
// 16 SIMD registers — measured: 4×8 and 2×16 ≈ 45 GFLOP/s, 6×8 and 8×8 ≈ 25), then 1×8, 4×4, 1×4, scalar tails.
import { f4 } from './simd';

@inline function tile4x8(a: usize, ars: usize, acs: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32, acc: bool, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let ap = a;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    const x0 = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    const x1 = v128.load32_splat(ap + ars);
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    const x2 = v128.load32_splat(ap + 2 * ars);
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    const x3 = v128.load32_splat(ap + 3 * ars);
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ap += acs;
    bp += ldb;
  }
  if (bias) {
    const z0 = v128.load(bias), z1 = v128.load(bias, 16);
    c00 = f32x4.add(c00, z0); c01 = f32x4.add(c01, z1); c10 = f32x4.add(c10, z0); c11 = f32x4.add(c11, z1);
    c20 = f32x4.add(c20, z0); c21 = f32x4.add(c21, z1); c30 = f32x4.add(c30, z0); c31 = f32x4.add(c31, z1);
  }
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

@inline function tile1x8(a: usize, acs: usize, b: usize, ldb: usize, c: usize, k: i32, acc: bool, bias: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let ap = a;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const x = v128.load32_splat(ap);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    ap += acs;
    bp += ldb;
  }
  if (bias) { c0 = f32x4.add(c0, v128.load(bias)); c1 = f32x4.add(c1, v128.load(bias, 16)); }
  if (acc) { c0 = f32x4.add(c0, v128.load(c)); c1 = f32x4.add(c1, v128.load(c, 16)); }
  v128.store(c, c0);
  v128.store(c, c1, 16);
}

@inline function tile4x4(a: usize, ars: usize, acs: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32, acc: bool, bias: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let ap = a;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const y = v128.load(bp);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ap), y));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(ap + ars), y));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(ap + 2 * ars), y));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(ap + 3 * ars), y));
    ap += acs;
    bp += ldb;
  }
  if (bias) {
    const z = v128.load(bias);
    c0 = f32x4.add(c0, z); c1 = f32x4.add(c1, z); c2 = f32x4.add(c2, z); c3 = f32x4.add(c3, z);
  }
  if (acc) {
    c0 = f32x4.add(c0, v128.load(c)); c1 = f32x4.add(c1, v128.load(c + ldc));
    c2 = f32x4.add(c2, v128.load(c + 2 * ldc)); c3 = f32x4.add(c3, v128.load(c + 3 * ldc));
  }
  v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + 2 * ldc, c2); v128.store(c + 3 * ldc, c3);
}

@inline function tile1x4(a: usize, acs: usize, b: usize, ldb: usize, c: usize, k: i32, acc: bool, bias: usize): void {
  let c0 = f32x4.splat(0);
  let ap = a;
  let bp = b;
  for (let p = 0; p < k; p++) {
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ap), v128.load(bp)));
    ap += acs;
    bp += ldb;
  }
  if (bias) c0 = f32x4.add(c0, v128.load(bias));
  if (acc) c0 = f32x4.add(c0, v128.load(c));
  v128.store(c, c0);
}

@inline function scalar1x1(a: usize, acs: usize, b: usize, ldb: usize, c: usize, k: i32, acc: bool, bias: usize): void {
  let s: f32 = 0;
  let ap = a;
  let bp = b;
  for (let p = 0; p < k; p++) {
    s += load<f32>(ap) * load<f32>(bp);
    ap += acs;
    bp += ldb;
  }
  if (bias) s += load<f32>(bias);
  if (acc) s += load<f32>(c);
  store<f32>(c, s);
}

/**
 * C[m×n] = A·B, plus C when `accumulate`, plus bias[n] (a pointer, 0 = none) on every row.
 * Strides are in floats: A(i, p) = a[i·ars + p·acs], B(p, j) = b[p·ldb + j], C(i, j) = c[i·ldc + j].
 */
export function gemm(a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: i32, bias: usize): void {
  const acc = accumulate != 0;
  const rs = f4(ars), cs = f4(acs), lb = f4(ldb), lc = f4(ldc);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const ai = a + <usize>i * rs;
    const ci = c + <usize>i * lc;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile4x8(ai, rs, cs, b + f4(j), lb, ci + f4(j), lc, k, acc, bias ? bias + f4(j) : 0);
    for (; j + 4 <= n; j += 4) tile4x4(ai, rs, cs, b + f4(j), lb, ci + f4(j), lc, k, acc, bias ? bias + f4(j) : 0);
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) scalar1x1(ai + <usize>r * rs, cs, b + f4(j), lb, ci + <usize>r * lc + f4(j), k, acc, bias ? bias + f4(j) : 0);
    }
  }
  for (; i < m; i++) {
    const ai = a + <usize>i * rs;
    const ci = c + <usize>i * lc;
    let j = 0;
    for (; j + 8 <= n; j += 8) tile1x8(ai, cs, b + f4(j), lb, ci + f4(j), k, acc, bias ? bias + f4(j) : 0);
    for (; j + 4 <= n; j += 4) tile1x4(ai, cs, b + f4(j), lb, ci + f4(j), k, acc, bias ? bias + f4(j) : 0);
    for (; j < n; j++) scalar1x1(ai, cs, b + f4(j), lb, ci + f4(j), k, acc, bias ? bias + f4(j) : 0);
  }
}

/** B = Aᵀ for a row-major A[m×n] (row stride lda) into B[n×m] (row stride ldb). */
export function transpose(a: usize, lda: i32, b: usize, ldb: i32, m: i32, n: i32): void {
  // 4×4 blocks through registers, scalar edges.
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const r0 = v128.load(a + f4(i * lda + j)), r1 = v128.load(a + f4((i + 1) * lda + j));
      const r2 = v128.load(a + f4((i + 2) * lda + j)), r3 = v128.load(a + f4((i + 3) * lda + j));
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      v128.store(b + f4(j * ldb + i), v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(b + f4((j + 1) * ldb + i), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(b + f4((j + 2) * ldb + i), v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(b + f4((j + 3) * ldb + i), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (; j < n; j++) for (let r = 0; r < 4; r++) store<f32>(b + f4(j * ldb + i + r), load<f32>(a + f4((i + r) * lda + j)));
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) store<f32>(b + f4(j * ldb + i), load<f32>(a + f4(i * lda + j)));
}
