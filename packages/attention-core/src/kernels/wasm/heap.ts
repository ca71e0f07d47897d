import type * as tf from '@tensorflow/tfjs-core';
import type { WasmBackendLike, WasmKernelExports } from './module.js';

/**
 * One kernel call's view of the wasm backend's heap: where its tensors live, new outputs
 * (tfjs tensors, owned by the engine once returned), and scratch from the backend's own
 * allocator, freed by `release()`.
 */
export class WasmHeap {
  private scratchPtrs: number[] = [];

  constructor(
    readonly backend: WasmBackendLike,
    readonly k: WasmKernelExports,
  ) {}

  /** Byte offset of a tensor's data. */
  offset(t: tf.TensorInfo): number {
    const d = this.backend.dataIdMap.get(t.dataId);
    if (!d) throw new Error('wasm kernel: a tensor of another backend');
    return d.memoryOffset;
  }

  /** A new float32 output tensor and its offset. */
  output(shape: number[]): { info: tf.TensorInfo; ptr: number } {
    const info = this.backend.makeOutput(shape, 'float32') as tf.TensorInfo;
    return { info, ptr: this.offset(info) };
  }

  /** `floats` of scratch (not zeroed). */
  scratch(floats: number): number {
    // `>>> 0`: above 2 GiB the allocator's result reads as a negative int32.
    const p = this.backend.wasm._malloc(Math.max(4, 4 * floats)) >>> 0;
    if (p === 0) throw new Error(`wasm kernel: out of memory for ${floats} floats of scratch`);
    this.scratchPtrs.push(p);
    return p;
  }

  release(): void {
    for (const p of this.scratchPtrs) this.backend.wasm._free(p);
    this.scratchPtrs = [];
  }
}
