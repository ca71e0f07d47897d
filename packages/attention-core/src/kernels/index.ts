// @attention-zoo/attention-core/kernels — fused kernels: the hot paths of the attention forms as one
// tfjs kernel per backend (WebAssembly SIMD on the wasm backend's memory, WGSL on webgpu), each with
// its stock-op chain as the fallback on other backends and as the reference its tests compare with.
// Every kernel has a gradient and the stock chains need tfjs-core's gradients, which tfjs-layers
// (a peer dependency) registers: imported for that side effect, as /ops does.
import '@tensorflow/tfjs-layers';
export { setFusedKernels, fusedKernelsEnabled } from './registry.js';
export type { KernelBackend } from './registry.js';
export { linearAttentionKernel, linearAttentionReference } from './linear-attention/index.js';
export type { LinearAttentionKernelOptions } from './linear-attention/index.js';
export { denseKernel, denseReference } from './dense/index.js';
export { softmaxAttentionKernel, softmaxAttentionReference } from './softmax-attention/index.js';
export type { SoftmaxAttentionKernelOptions } from './softmax-attention/index.js';
export { aftSimpleKernel, aftSimpleReference, runningMaxScan } from './aft-simple/index.js';
export { focusKernel, focusedLinearAttentionKernel, focusedLinearReference, focusReference, focusingReference, temperature, KERNEL_EPS } from './focused-linear/index.js';
export type { FocusedLinearKernelOptions } from './focused-linear/index.js';
export { linearAttentionTokensKernel } from './linear-attention/index.js';
