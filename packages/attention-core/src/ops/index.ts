// @attention-zoo/attention-core/ops — functional ops, heads-first like PyTorch:
// q, k, v `[batch, heads, tokens, headDim]` → `[batch, heads, tokens, headDim]`.

// tfjs-core alone registers no gradients: tfjs-layers (a peer dependency) does, in every
// build (Node's CommonJS bundle and the ESM one). The ops are meant to be trained, so this
// entry imports it for that side effect.
import '@tensorflow/tfjs-layers';
export { splitHeads, mergeHeads } from './heads.js';
export { causalKeep, checkKeyPaddingMask, flushMaskChecks, keyPaddingKeep, keyPaddingReal, combineKeep } from './masks.js';
export { maskedSoftmax, maskedSoftmaxParts, shiftedExp } from './stable.js';
export { scaledDotProductAttention, softmaxAttentionWeights } from '../softmax/op.js';
export type { ScaledDotProductOptions } from '../softmax/op.js';
export { linearAttention, linearAttentionState, linearAttentionStep, linearAttentionWeights, eluFeatureMap } from './linear-attention.js';
export type { LinearAttentionOptions } from './linear-attention.js';
export { headMatMul, matMul2d } from './matmul.js';
export type { HeadMatMulOptions } from './matmul.js';
export { dense } from './dense.js';
export { depthwiseConv2dSame, patchConv2d } from './conv.js';
export { layerNorm } from './layer-norm.js';
export { gelu } from './gelu.js';
export { dropPath } from './drop-path.js';
export { checkQKV } from './shapes.js';
export { roll2d, windowPartition, windowReverse, windowTokenOrder, swinWindow, tokensToWindows, windowsToTokens } from './windows.js';
export type { SwinWindow } from './windows.js';
export { nearlySquareGrid, squareSide } from './grid.js';
