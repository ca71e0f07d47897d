// The packages whose registrations the tour, the benchmark and the trainer show.
// A variant package adds its name here (and to tooling/tour's dependencies) when it lands.
export const VARIANT_PACKAGES = [
  '@attention-zoo/attention-core',
  '@attention-zoo/aft',
  '@attention-zoo/flatten',
  '@attention-zoo/linear-attention',
  '@attention-zoo/linformer',
  '@attention-zoo/sparse-patterns',
  '@attention-zoo/synthesizer',
] as const;
