export { compressSequence, compressedCausalKeep, memoryCompressedAttention } from './memory-compressed.js';
export type { MemoryCompressedOptions, StridedConvWeights } from './memory-compressed.js';
export { MemoryCompressedAttention } from './layer.js';
export type { MemoryCompressedAttentionConfig } from './layer.js';
import './register.js';
