import * as tf from '@tensorflow/tfjs-core';
import { wasmKernels, type WasmBackendLike } from './wasm/module.js';

/** Backends with fused kernels: WebAssembly SIMD on the wasm backend's memory, WGSL on webgpu. */
export type KernelBackend = 'wasm' | 'webgpu';

let enabled = true;

/**
 * Turns the fused kernels off (every op takes its stock-op chain, as before the kernels existed)
 * or back on. For comparisons and benchmarks; the kernels are on by default.
 */
export function setFusedKernels(on: boolean): void {
  enabled = on;
}

export function fusedKernelsEnabled(): boolean {
  return enabled;
}

/** Registers `kernelFunc` as tfjs kernel `name` on `backend` (once: modules may be evaluated again in tests). */
export function registerFused(name: string, backend: KernelBackend, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(name, backend) == null) tf.registerKernel({ kernelName: name, backendName: backend, kernelFunc });
}

/**
 * The backend whose fused kernel `name` the next call should run, or undefined for the stock
 * chain: kernels switched on, `name` registered for the active backend, and (wasm) the module
 * instantiated on its memory.
 */
export function fusedBackend(name: string): KernelBackend | undefined {
  if (!enabled) return undefined;
  const b = tf.getBackend();
  if ((b !== 'wasm' && b !== 'webgpu') || tf.getKernel(name, b) == null) return undefined;
  if (b === 'wasm' && wasmKernels(tf.backend() as unknown as WasmBackendLike) == null) return undefined;
  return b;
}

/** `tf.engine().runKernel` with its tensors typed. */
export function runFused<T extends tf.Tensor | tf.Tensor[]>(name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): T {
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as T;
}
