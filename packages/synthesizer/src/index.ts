// @attention-zoo/synthesizer — Synthesizer attention (Tay et al. 2021): dense, random,
// factorized dense, factorized random and mixtures, as logit ops and layers; importing it
// registers 'synthesizer-dense', 'synthesizer-random', 'synthesizer-factorized-dense',
// 'synthesizer-factorized-random' and 'synthesizer-mix'.
export { syntheticAttention, syntheticAttentionWeights } from './shared/synthetic-attention.js';
export type { SyntheticAttentionOptions } from './shared/synthetic-attention.js';
export { SynthesizerAttention, SYNTHESIZER_COMPONENTS } from './shared/synthesizer-layer.js';
export type { SynthesizerComponent, SynthesizerConfig } from './shared/synthesizer-layer.js';
export * from './synthesizer-dense/index.js';
export * from './synthesizer-random/index.js';
export * from './synthesizer-factorized-dense/index.js';
export * from './synthesizer-factorized-random/index.js';
export * from './synthesizer-mix/index.js';
