export { compressSequence, compressedCausalKeep, memoryCompressedAttention } from './op.js';
export type { MemoryCompressedOptions, StridedConvWeights } from './op.js';
export { MemoryCompressedAttention } from './layer.js';
export type { MemoryCompressedAttentionConfig } from './layer.js';
import './register.js';
