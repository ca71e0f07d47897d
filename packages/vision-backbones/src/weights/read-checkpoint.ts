import { WeightLoadError } from '@attention-zoo/attention-core';
import { readSafetensors, readTorchCheckpoint, type HostTensor } from '@attention-zoo/attention-core/weights';

export interface Checkpoint {
  /** `pth` (a torch.save zip archive) or `safetensors`. */
  format: 'pth' | 'safetensors';
  tensors: Map<string, HostTensor>;
}

const isZip = (u8: Uint8Array) => u8.length >= 4 && u8[0] === 0x50 && u8[1] === 0x4b && u8[2] === 0x03 && u8[3] === 0x04;

/**
 * A checkpoint's tensors, told apart by its first bytes: a PyTorch `.pth` (core's
 * `readTorchCheckpoint`, which finds the state dict inside `{'model': …}` and the like and never runs
 * code) or a `.safetensors` file (core's `readSafetensors`).
 */
export function readCheckpoint(bytes: Uint8Array | ArrayBuffer, source = 'the checkpoint'): Checkpoint {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (isZip(u8)) return { format: 'pth', tensors: readTorchCheckpoint(u8, { source }).tensors };
  if (u8.length >= 9 && u8[8] === 0x7b) return { format: 'safetensors', tensors: readSafetensors(u8).tensors };
  throw new WeightLoadError(`${source}: neither a PyTorch checkpoint (a torch.save zip archive, 'PK' first) nor a safetensors file (a JSON header after 8 bytes)`);
}

/** Node's `fs.readFileSync`, where there is one (createBackbone takes a path only there). */
export function readFileBytes(path: string): Uint8Array {
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:fs') as
    | { readFileSync(p: string): Uint8Array }
    | undefined;
  if (!fs) throw new WeightLoadError(`weights: '${path}' is a path, which only Node can read; pass the file's bytes (Uint8Array or ArrayBuffer) instead`);
  try {
    return fs.readFileSync(path);
  } catch (err) {
    throw new WeightLoadError(`weights: cannot read '${path}': ${(err as Error).message}`);
  }
}
