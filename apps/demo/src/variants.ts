// The variant packages the demo shows. Importing a package runs its
// `registerAttention` calls; every page then reads the registry, so a package
// imported here appears on every page (mirrors tooling/tour/src/variants.ts).
// To add one: one import line, its name in VARIANT_PACKAGES, and the package in
// this app's package.json dependencies.
import '@attention-zoo/attention-core';
import '@attention-zoo/aft';
import '@attention-zoo/flatten';
import '@attention-zoo/linear-attention';
import '@attention-zoo/linformer';
import '@attention-zoo/sparse-patterns';
import '@attention-zoo/synthesizer';

export const VARIANT_PACKAGES = [
  '@attention-zoo/attention-core',
  '@attention-zoo/aft',
  '@attention-zoo/flatten',
  '@attention-zoo/linear-attention',
  '@attention-zoo/linformer',
  '@attention-zoo/sparse-patterns',
  '@attention-zoo/synthesizer',
] as const;
