// @attention-zoo/attention-core — the common interface every variant package builds on:
// the attention layer base class, the registry, softmax attention (the baseline), the
// Transformer blocks, and the errors. More lives in subpaths:
//   @attention-zoo/attention-core/ops       functional ops on [batch, heads, tokens, headDim]
//   @attention-zoo/attention-core/weights   safetensors, PyTorch state_dict key maps
//   @attention-zoo/attention-core/analysis  matrix rank, growth exponents, NaN/Inf checks
//   @attention-zoo/attention-core/testing   the conformance kit and the fixture-handler table

export {
  AttentionConfigError,
  AttentionInputError,
  NumericsError,
  RegistryError,
  SafetensorsError,
  TorchCheckpointError,
  WeightLoadError,
} from './errors.js';

// The layer every variant extends, and what it declares
export { AttentionLayer } from './layers/attention-layer.js';
export type { AttentionCallOptions, MixContext, Projection } from './layers/attention-layer.js';
export { defineCapabilities } from './layers/capabilities.js';
export type { AttentionCapabilities } from './layers/capabilities.js';
export { disposeState, stateBytes, stateTensors } from './layers/incremental.js';
export type { AttentionState, AttentionStepOptions, AttentionStepResult, IncrementalKind, StateTree } from './layers/incremental.js';
export { SHARED_CONFIG_KEYS } from './layers/config.js';
export { MAX_TOKENS, option, z } from './layers/options.js';
export type { OptionSchemas } from './layers/options.js';
export type { AttentionConfig } from './layers/config.js';
export type { InitSpec } from './layers/path-weights.js';

// Registry
export {
  createAttention,
  declaredOptionsOf,
  descriptorOf,
  getAttention,
  layerCost,
  layoutConfig,
  listAttentions,
  pickOptions,
  registerAttention,
  registerLayerClass,
} from './registry.js';
export type {
  AttentionDescriptor,
  AttentionLayerClass,
  AttentionSpec,
  CreateAttentionOptions,
  Cost,
  CostShape,
  PaperRef,
  RegisteredAttention,
} from './registry.js';
export { registerFixtureHandlers } from './fixtures.js';
export type { FixtureCase, FixtureHandler } from './fixtures.js';

// Softmax attention, the baseline variant (its op is in /ops, its key maps in /weights)
export { SoftmaxAttention } from './softmax/index.js';
export type { SoftmaxAttentionConfig } from './softmax/index.js';

// Blocks
export { makeBlock } from './blocks/attention-block.js';
export { defaultLayerName } from './blocks/layer-name.js';
export type { AttentionBlock, BlockSpec, PathLayer } from './blocks/attention-block.js';
export { TransformerBlock } from './blocks/transformer-block.js';
export type { TransformerBlockConfig } from './blocks/transformer-block.js';
export { TransformerEncoder } from './blocks/transformer-encoder.js';
export type { TransformerEncoderConfig } from './blocks/transformer-encoder.js';
export { PaddingMask } from './blocks/padding-mask.js';
export type { PaddingMaskConfig } from './blocks/padding-mask.js';
export { SequencePool } from './blocks/sequence-pool.js';
export type { SequencePoolConfig } from './blocks/sequence-pool.js';
export { PositionEmbedding } from './blocks/position-embedding.js';
export type { PositionEmbeddingConfig } from './blocks/position-embedding.js';
export { TokenEmbedding } from './blocks/token-embedding.js';
export { DecoderLM } from './blocks/decoder-lm.js';
export type { DecoderLMConfig, DecoderState, GenerateOptions } from './blocks/decoder-lm.js';
export { sampleToken, uniformStream } from './blocks/sampling.js';
export type { SamplingOptions } from './blocks/sampling.js';
export { sinusoidalAt, sinusoidalPositions } from './blocks/sinusoidal-positions.js';
export type { TokenEmbeddingConfig } from './blocks/token-embedding.js';
