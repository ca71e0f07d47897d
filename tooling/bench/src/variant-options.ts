/** Layer options of one variant, as in its config (numbers only: sizes, radii, ranks). */
export type VariantOptions = Record<string, number>;

/**
 * Options the bench gives a variant unless `--set` overrides them, as a function
 * of N. Only where the layer's own default would measure something other than
 * the paper's claim: Linformer's default k = ⌊maxTokens/4⌋ (fairseq's
 * `compressed = 4`) grows with N because the bench sets maxTokens = N, which makes
 * the cost O(N²); the paper's O(N·k) is for a k fixed as N grows, so the bench
 * fixes k = min(256, N) (256 is lucidrains/linformer's default k).
 * The Sparse Transformer's strided and fixed patterns cost O(N·(ℓ + N/ℓ)): with
 * a fixed ℓ (the layers' defaults, 32 and 128) that is O(N²/ℓ); the paper's
 * O(N√N) takes ℓ ≈ √N (Child et al. 2019 §4.2), so the bench sets ℓ to the power
 * of two nearest √N (for sparse-fixed, √(c·N), which minimises its ℓ + c·N/ℓ keys).
 */
export const BENCH_VARIANT_DEFAULTS: Record<string, (tokens: number) => VariantOptions> = {
  linformer: (n) => ({ k: Math.min(256, n) }),
  strided: (n) => ({ stride: sqrtPow2(n) }),
  // Keys per query ℓ + c·N/ℓ is smallest at ℓ = √(c·N); c = 8, the layer's default.
  'sparse-fixed': (n) => ({ blockSize: sqrtPow2(8 * n), summarySize: Math.min(8, sqrtPow2(8 * n)) }),
};

/** The power of two nearest √n (16 for 256, 64 for 4,096, 256 for 65,536). */
function sqrtPow2(n: number): number {
  return 2 ** Math.round(Math.log2(n) / 2);
}

/** `--set linformer.k=128` → `{ variant: 'linformer', key: 'k', value: 128 }`. */
export function parseSetting(s: string): { variant: string; key: string; value: number } {
  const m = /^([a-z][a-z0-9-]*)\.([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(s.trim());
  const value = m ? Number(m[3]) : NaN;
  if (!m || !Number.isFinite(value)) throw new Error(`--set takes variant.option=number (e.g. linformer.k=256), got '${s}'`);
  return { variant: m[1]!, key: m[2]!, value };
}

/** The options of `variant` at N tokens: the bench defaults, then the `--set` overrides. */
export function variantOptions(variant: string, tokens: number, overrides: Record<string, VariantOptions> = {}): VariantOptions {
  return { ...(BENCH_VARIANT_DEFAULTS[variant]?.(tokens) ?? {}), ...(overrides[variant] ?? {}) };
}
