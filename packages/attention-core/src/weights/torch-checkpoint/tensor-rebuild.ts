import { decodeLittleEndian, HOST_DTYPE, ITEM_SIZE, type HostTensor, type SafetensorsDtype } from '../safetensors.js';

/**
 * Tensors as `torch.save` stores them — a storage (a flat run of items) and a
 * view on it (`storage_offset`, `size`, `stride`) — described while unpickling
 * and copied into contiguous host tensors only when asked for.
 */

/** The dtypes read, with the safetensors name of the same raw layout. */
export const TORCH_DTYPES = {
  float32: 'F32', float16: 'F16', bfloat16: 'BF16', float64: 'F64',
  int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
} as const satisfies Record<string, SafetensorsDtype>;
export type TorchDtype = keyof typeof TORCH_DTYPES;

/** One `<archive>/data/<key>` record: raw items, read (and CRC-checked) on first use. */
export class StorageRef {
  private cached: Uint8Array | undefined;
  constructor(
    readonly key: string,
    /** The item dtype of a typed storage; 'untyped' for `UntypedStorage` (bytes). */
    readonly dtype: TorchDtype | 'untyped',
    /** Bytes in the record (already checked against the numel the pickle declared). */
    readonly byteLength: number,
    readonly location: string,
    private readonly load: () => Uint8Array,
  ) {}

  bytes(): Uint8Array {
    return (this.cached ??= this.load());
  }
}

/** A tensor as the pickle describes it: a strided view on a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly dtype: TorchDtype,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** Bytes per item of a dtype. */
export function itemSize(dtype: TorchDtype): number {
  return ITEM_SIZE[TORCH_DTYPES[dtype]];
}

/** tfjs (and typed arrays) index with 32-bit signed integers. */
const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Element count of `shape`, or Infinity once it passes `MAX_TENSOR_ELEMENTS` (no float overflow). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (d === 0) return 0;
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) n = Infinity;
  }
  return n;
}

/**
 * Checks a view against its storage as `Tensor.set_` does: shape and stride of
 * equal rank, non-negative integers, and every addressed item inside the
 * storage. Returns a reason, or null when the view is sound.
 */
export function viewProblem(storageItems: number, offset: number, shape: readonly number[], stride: readonly number[]): string | null {
  if (shape.length !== stride.length) return `size has ${shape.length} dims but stride has ${stride.length}`;
  const count = elementCount(shape);
  if (count === Infinity) return `size [${shape.join(', ')}] holds more than ${MAX_TENSOR_ELEMENTS} elements`;
  if (count === 0) return offset <= storageItems ? null : `storage offset ${offset} is past the storage's ${storageItems} items`;
  let last = offset;
  for (const [i, d] of shape.entries()) last += (d - 1) * stride[i]!;
  if (last >= storageItems) {
    return `offset ${offset}, size [${shape.join(', ')}] and stride [${stride.join(', ')}] reach item ${last} of a storage holding ${storageItems}`;
  }
  return null;
}

/** Row-major strides for `shape`: the layout of a contiguous tensor. */
function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

/**
 * Copies the items a strided view addresses into one contiguous run of bytes,
 * byte-swapping each item when the file is big-endian, so the little-endian
 * decoder reads them as a contiguous tensor.
 */
function gatherBytes(src: Uint8Array, item: number, t: TensorRef, count: number, swap: boolean): Uint8Array {
  const out = new Uint8Array(count * item);
  const rank = t.shape.length;
  const idx = new Array<number>(rank).fill(0);
  let at = t.offset; // item index in the storage of the current element
  for (let o = 0; o < count; o++) {
    const s = at * item;
    for (let b = 0; b < item; b++) out[o * item + b] = src[s + (swap ? item - 1 - b : b)]!;
    // Odometer over the view's index, moving `at` by the strides.
    for (let d = rank - 1; d >= 0; d--) {
      at += t.stride[d]!;
      if (++idx[d]! < t.shape[d]!) break;
      at -= t.stride[d]! * t.shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The contiguous host tensor a view stands for (floats as float32, integers
 * as int32, bool as 0/1 bytes), with the stored dtype kept in `sourceDtype`.
 * The view must already have passed `viewProblem`.
 */
export function rebuildTensor(t: TensorRef, name: string, littleEndian: boolean, fail: (msg: string) => never): HostTensor {
  const st = TORCH_DTYPES[t.dtype];
  const item = itemSize(t.dtype);
  const count = elementCount(t.shape);
  const bytes = t.storage.bytes();
  let data: HostTensor['data'];
  const failFor = (msg: string): never => fail(msg.replace(`(${st})`, `(${t.dtype})`));
  if (littleEndian && isContiguous(t.shape, t.stride)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    data = decodeLittleEndian(name, st, view, t.offset * item, count, failFor);
  } else {
    const packed = gatherBytes(bytes, item, t, count, !littleEndian);
    data = decodeLittleEndian(name, st, new DataView(packed.buffer), 0, count, failFor);
  }
  return { dtype: HOST_DTYPE[st], shape: [...t.shape], data, sourceDtype: st };
}
