// @attention-zoo/attention-core — the common interface every variant package builds on.

// Errors
export {
  AttentionConfigError,
  AttentionInputError,
  NumericsError,
  RegistryError,
  SafetensorsError,
  WeightLoadError,
} from './errors.js';

// Functional ops: [batch, heads, tokens, headDim], heads-first like PyTorch
export { splitHeads, mergeHeads } from './ops/heads.js';
export { causalKeep, keyPaddingKeep, combineKeep } from './ops/masks.js';
export { maskedSoftmax, maskedSoftmaxParts, shiftedExp } from './ops/stable.js';
export { linearAttention, linearAttentionWeights, eluFeatureMap } from './ops/linear-attention.js';
export type { LinearAttentionOptions } from './ops/linear-attention.js';
export { headMatMul, matMul2d } from './ops/matmul.js';
export type { HeadMatMulOptions } from './ops/matmul.js';
export { dense } from './ops/dense.js';
export { depthwiseConv2dSame, patchConv2d } from './ops/conv.js';
export { layerNorm } from './ops/layer-norm.js';
export { gelu } from './ops/gelu.js';
export { dropPath } from './ops/drop-path.js';
export { checkQKV } from './ops/shapes.js';
export * from './kernels/index.js';

// Softmax attention (the baseline variant: op, layer, registration)
export * from './softmax/index.js';

// Layers
export { AttentionLayer } from './layers/attention-layer.js';
export type { AttentionCallOptions, MixContext, Projection } from './layers/attention-layer.js';
export type { AttentionCapabilities, AttentionConfig } from './layers/config.js';
export type { InitSpec } from './layers/path-weights.js';

// Registry
export { registerAttention, createAttention, getAttention, listAttentions } from './registry.js';
export type {
  AttentionDescriptor,
  AttentionLayerClass,
  Cost,
  CostShape,
  PaperRef,
  RegisteredAttention,
} from './registry.js';

// Blocks
export { TransformerBlock } from './blocks/transformer-block.js';
export type { AttentionSpec, TransformerBlockConfig } from './blocks/transformer-block.js';
export { TransformerEncoder } from './blocks/transformer-encoder.js';
export type { TransformerEncoderConfig } from './blocks/transformer-encoder.js';
export { PositionEmbedding } from './blocks/position-embedding.js';
export type { PositionEmbeddingConfig } from './blocks/position-embedding.js';
export { TokenEmbedding } from './blocks/token-embedding.js';
export { timmBlockKeyMap } from './blocks/state-dict-maps.js';
export type { TokenEmbeddingConfig } from './blocks/token-embedding.js';

// Weights interop
export { readSafetensors, writeSafetensors, hostToTensor } from './weights/safetensors.js';
export type { HostTensor, ReadSafetensorsOptions, SafetensorsDtype, SafetensorsFile } from './weights/safetensors.js';
export { loadStateDict, torch } from './weights/state-dict.js';
export type {
  KeyMapEntry,
  LoadStateDictOptions,
  LoadStateDictReport,
  StateDictKeyMap,
  WeightTransform,
  WeightsByPath,
} from './weights/state-dict.js';

// Analysis and numerics
export { matrixRank, matrixRankOf, singularValues } from './analysis/rank.js';
export { growthExponent } from './analysis/growth.js';
export type { HostMatrix, RankOptions } from './analysis/rank.js';
export { assertFinite, findNonFinite } from './numerics.js';
export type { NonFiniteReport } from './numerics.js';
