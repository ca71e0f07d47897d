// attention-zoo's WebAssembly kernels: one module, run on the tfjs wasm backend's own memory.
// Every pointer is a byte offset into that memory; nothing here allocates or holds state
// (no data segments, no globals), so the module can import the backend's memory as is.
export { gemm, transpose } from './gemm';
export { zeroRows, scaleRows, sumRows, denominators, divideRows, withOnes, scan, gradTerms, addOuter } from './linear';
export { flashForward, flashBackward } from './flash';
export { aftSimpleForward, aftSimpleBackward } from './aft';
export { focusForward, focusBackward } from './focus';
