// @attention-zoo/flatten — FLatten (Focused Linear Attention, Han et al. ICCV 2023) as the official code computes it,
// in its PVT (`flatten`), Swin (`flatten-swin`), CSwin (`flatten-cswin`) and class-token (`flatten-cls`) forms.
export { FLATTEN_PAPER } from './paper.js';

// What every form shares: the focusing function, the focused-linear core, DWC, the layer base, the cost model
export { focusingFunction, focusedKernel, KERNEL_EPS } from './shared/focusing.js';
export { focusedLinearCore, focusedLinearWeights, NORMALISER_EPS } from './shared/focused-linear.js';
export { dwcBranch, dwcMixingMatrix, causalTapMask } from './shared/dwc.js';
export type { DwcOptions } from './shared/dwc.js';
export { interpolateTokens, linearTaps } from './shared/interpolate.js';
export { adaptiveAvgPool2d } from './shared/adaptive-pool.js';
export { FocusedLinearLayer } from './shared/focused-layer.js';
export type { FocusedLinearConfig } from './shared/focused-layer.js';
export { FLattenBlock } from './shared/official-block.js';
export type { FLattenBlockConfig } from './shared/official-block.js';
export { focusedCost } from './shared/cost.js';
export type { FocusedCostShape } from './shared/cost.js';

// The forms (each registers itself)
export * from './flatten/index.js';
export * from './flatten-swin/index.js';
export * from './flatten-cswin/index.js';
export * from './flatten-cls/index.js';
