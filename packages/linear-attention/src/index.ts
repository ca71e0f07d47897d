// @attention-zoo/linear-attention — kernelised linear attention variants.
// Importing the package registers: linear-elu, performer, efficient-attention, cosformer, hydra.

export { KernelizedAttention } from './kernelized/layer.js';
export type { FeaturePair, KernelizedAttentionConfig } from './kernelized/layer.js';

// Linear Transformer (Katharopoulos et al. 2020); its op is core's linearAttention + eluFeatureMap.
export { LinearEluAttention } from './linear-elu/layer.js';
export type { LinearEluAttentionConfig } from './linear-elu/layer.js';
import './linear-elu/register.js';

// Performer FAVOR+ (Choromanski et al. 2021)
export { orthogonalRandomFeatures } from './performer/projection.js';
export type { RandomFeaturesOptions } from './performer/projection.js';
export { favorFeatureMap, performerAttention } from './performer/favor.js';
export type { FavorFeatureOptions, PerformerAttentionOptions } from './performer/favor.js';
export { PerformerAttention } from './performer/layer.js';
export type { PerformerAttentionConfig } from './performer/layer.js';
import './performer/register.js';

// Efficient Attention (Shen et al. 2021)
export { efficientAttention, efficientAttentionFeatures } from './efficient-attention/op.js';
export type { EfficientAttentionOptions } from './efficient-attention/op.js';
export { EfficientAttention } from './efficient-attention/layer.js';
export type { EfficientAttentionConfig } from './efficient-attention/layer.js';
import './efficient-attention/register.js';

// cosFormer (Qin et al. 2022)
export { cosformerAttention, cosformerFeatureMap } from './cosformer/op.js';
export type { CosformerActivation, CosformerAttentionOptions } from './cosformer/op.js';
export { CosformerAttention } from './cosformer/layer.js';
export type { CosformerAttentionConfig } from './cosformer/layer.js';
import './cosformer/register.js';

// Hydra attention (Bolya et al. 2022)
export { hydraAttention, hydraAttentionWeights } from './hydra/op.js';
export type { HydraAttentionOptions } from './hydra/op.js';
export { HydraAttention } from './hydra/layer.js';
export type { HydraAttentionConfig } from './hydra/layer.js';
import './hydra/register.js';
