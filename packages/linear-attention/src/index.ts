// @attention-zoo/linear-attention — kernelised linear attention: Linear Transformer (Katharopoulos
// et al. 2020), Performer FAVOR+ (Choromanski et al. 2021), Efficient Attention (Shen et al. 2021),
// cosFormer (Qin et al. 2022), Hydra attention (Bolya et al. 2022).
// Importing the package registers: linear-elu, performer, efficient-attention, cosformer, hydra.
export { KernelizedAttention } from './shared/kernelized-layer.js';
export type { FeaturePair, KernelizedAttentionConfig } from './shared/kernelized-layer.js';
export * from './linear-elu/index.js';
export * from './performer/index.js';
export * from './efficient-attention/index.js';
export * from './cosformer/index.js';
export * from './hydra/index.js';
