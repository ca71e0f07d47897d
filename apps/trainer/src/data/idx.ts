/**
 * The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): a big-endian
 * header — two zero bytes, a type byte (0x08 = unsigned byte), the number of
 * dimensions — then one uint32 per dimension, then the data, row-major.
 */
export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
}

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  if (bytes.length < 4) throw new DatasetFileError(`${what}: ${bytes.length} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DatasetFileError(`${what}: not an IDX file (the first two bytes must be 0)`);
  if (bytes[2] !== 0x08) throw new DatasetFileError(`${what}: IDX type 0x${bytes[2]!.toString(16)}; MNIST files hold unsigned bytes (0x08)`);
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) throw new DatasetFileError(`${what}: IDX header of rank ${rank} is truncated`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have !== size) {
    throw new DatasetFileError(
      `${what}: header says shape [${shape.join(', ')}] = ${size} bytes of data, the file has ${have}` +
        (have < size ? ' (truncated?)' : ' (trailing bytes?)'),
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}
