import * as tf from '@tensorflow/tfjs-core';
import { SafetensorsError } from '../errors.js';

/** dtypes of the safetensors format, and their item sizes in bytes. */
export const ITEM_SIZE = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
} as const;
export type SafetensorsDtype = keyof typeof ITEM_SIZE;

/**
 * A tensor held in host memory, independent of any tfjs backend. Floats of any
 * width arrive as float32, integers as int32 (when they fit), BOOL as bool.
 */
export interface HostTensor {
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
  /** The dtype stored in the file, before conversion. */
  sourceDtype?: SafetensorsDtype;
}

export interface SafetensorsFile {
  /** Tensors by name, in the file's order of data offsets. */
  tensors: Map<string, HostTensor>;
  /** The optional `__metadata__` string map. */
  metadata: Record<string, string>;
}

export interface ReadSafetensorsOptions {
  /** Largest header accepted, in bytes (the format's own limit is 100 MB). */
  maxHeaderBytes?: number;
  /** Names the source in error messages (e.g. the file path). */
  source?: string;
}

const DEFAULT_MAX_HEADER = 100 * 1024 * 1024;

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * The first key that appears twice in one object of a JSON text (`JSON.parse` silently keeps
 * the last, so a file naming a tensor twice would load whichever came last). Assumes `text`
 * already parsed as JSON.
 */
function duplicateJsonKey(text: string): string | undefined {
  const objects: (Set<string> | null)[] = []; // null: an array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = objects[objects.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      objects.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      objects.push(null);
    } else if (c === '}' || c === ']') {
      objects.pop();
    } else if (c === ',') {
      expectKey = objects[objects.length - 1] != null;
    }
  }
  return undefined;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Copies `n` little-endian items of `dtype` starting at byte `start` of
 * `view`, converting to the host dtype (`HOST_DTYPE`). Shared with the PyTorch
 * checkpoint reader, whose storages hold the same raw little-endian items.
 */
export function decodeLittleEndian(
  name: string,
  dtype: SafetensorsDtype,
  view: DataView,
  start: number,
  n: number,
  fail: (msg: string) => never,
): HostTensor['data'] {
  if (LITTLE_ENDIAN_HOST && (dtype === 'F32' || dtype === 'I32')) {
    // A byte copy into a fresh (hence aligned) buffer is the file's own layout.
    const copy = new Uint8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + 4 * n));
    return dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(start + 8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(start + 2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(n);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(start + 2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    case 'BOOL':
    case 'U8': {
      const out = dtype === 'BOOL' ? new Uint8Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const b = view.getUint8(start + i);
        // A BOOL byte is 0 or 1 (as torch writes it); anything else is corruption, not `true`.
        if (dtype === 'BOOL' && b > 1) fail(`tensor '${name}' (BOOL) holds byte ${b} at index ${i}; BOOL bytes must be 0 or 1`);
        out[i] = b;
      }
      return out;
    }
    case 'I8': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt8(start + i);
      return out;
    }
    case 'I16':
    case 'U16': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dtype === 'I16' ? view.getInt16(start + 2 * i, true) : view.getUint16(start + 2 * i, true);
      return out;
    }
    case 'I32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(start + 4 * i, true);
      return out;
    }
    case 'U32':
    case 'I64':
    case 'U64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v =
          dtype === 'U32'
            ? BigInt(view.getUint32(start + 4 * i, true))
            : dtype === 'I64'
              ? view.getBigInt64(start + 8 * i, true)
              : view.getBigUint64(start + 8 * i, true);
        if (v > 2147483647n || v < -2147483648n) {
          fail(`tensor '${name}' (${dtype}) holds ${v} at index ${i}, outside the int32 range tfjs supports`);
        }
        out[i] = Number(v);
      }
      return out;
    }
  }
}

/** The tfjs dtype each stored dtype arrives as. */
export const HOST_DTYPE: Record<SafetensorsDtype, HostTensor['dtype']> = {
  F64: 'float32', F32: 'float32', F16: 'float32', BF16: 'float32',
  I64: 'int32', I32: 'int32', I16: 'int32', I8: 'int32', U64: 'int32', U32: 'int32', U16: 'int32', U8: 'int32',
  BOOL: 'bool',
};

/**
 * Parses a safetensors file (8-byte little-endian header length, JSON header,
 * raw little-endian data). Every length and offset is checked against the
 * actual byte count before anything is allocated, so a truncated or lying
 * file is a `SafetensorsError` naming the problem, never a crash or a huge
 * allocation. Tensors must tile the data section without overlap or gaps, as
 * the reference implementation requires.
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer, options: ReadSafetensorsOptions = {}): SafetensorsFile {
  const src = options.source ? `${options.source}: ` : '';
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${src}not a valid safetensors file: ${msg}`);
  };
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteLength < 8) fail(`it is ${u8.byteLength} bytes long; the format starts with an 8-byte header length`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const headerLen = view.getBigUint64(0, true);
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER;
  if (headerLen > BigInt(u8.byteLength - 8)) {
    fail(`the header claims ${headerLen} bytes but only ${u8.byteLength - 8} follow the length field (truncated file?)`);
  }
  if (headerLen > BigInt(maxHeader)) fail(`the header is ${headerLen} bytes, over the ${maxHeader}-byte limit`);
  const n = Number(headerLen);
  let headerText: string;
  try {
    // ignoreBOM: keep a byte-order mark in the text, so it is refused below rather than skipped.
    headerText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(u8.subarray(8, 8 + n));
  } catch {
    return fail('the header is not valid UTF-8');
  }
  // The reference reader requires the header to start with '{' (trailing spaces are its padding).
  if (headerText.startsWith('\uFEFF')) fail('the header starts with a byte-order mark; it must start with \'{\'');
  if (/^\s/.test(headerText)) fail('the header starts with whitespace; it must start with \'{\' (padding goes after the JSON)');
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (err) {
    return fail(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header must be a JSON object');
  const twice = duplicateJsonKey(headerText);
  if (twice !== undefined) fail(`the header names '${twice}' twice`);
  const dataStart = 8 + n;
  const dataLen = u8.byteLength - dataStart;

  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null) continue; // Python writers emit `"__metadata__": null` for no metadata
      if (typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ must be an object of strings (or null)');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${typeof v}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) fail(`entry '${name}' must be an object with dtype, shape and data_offsets`);
    if (typeof e.dtype !== 'string' || !(e.dtype in ITEM_SIZE)) {
      fail(`tensor '${name}' has unknown dtype ${JSON.stringify(e.dtype)} (known: ${Object.keys(ITEM_SIZE).join(', ')})`);
    }
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const shape = e.shape as number[];
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1]) {
      fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(off)}`);
    }
    const [begin, end] = off as [number, number];
    if (end > dataLen) {
      fail(`tensor '${name}' spans bytes ${begin}–${end} of the data section, which holds only ${dataLen} bytes (truncated file?)`);
    }
    // The element count is bounded by the bytes actually present before it is trusted.
    let count = 1;
    for (const d of shape) count *= d;
    if (count * ITEM_SIZE[dtype] !== end - begin) {
      fail(`tensor '${name}' (${dtype}, shape [${shape.join(', ')}]) needs ${count * ITEM_SIZE[dtype]} bytes but its data_offsets span ${end - begin}`);
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const [i, e] of entries.entries()) {
    if (e.begin < cursor) fail(`tensor '${e.name}' overlaps tensor '${entries[i - 1]!.name}' (bytes ${e.begin}–${cursor})`);
    if (e.begin > cursor) fail(`bytes ${cursor}–${e.begin} of the data section belong to no tensor (before '${e.name}')`);
    cursor = e.end;
  }
  if (cursor !== dataLen) fail(`the last ${dataLen - cursor} bytes of the data section belong to no tensor`);

  const tensors = new Map<string, HostTensor>();
  for (const e of entries) {
    const count = (e.end - e.begin) / ITEM_SIZE[e.dtype];
    const data = decodeLittleEndian(e.name, e.dtype, view, dataStart + e.begin, count, fail);
    tensors.set(e.name, { dtype: HOST_DTYPE[e.dtype], shape: e.shape, data, sourceDtype: e.dtype });
  }
  return { tensors, metadata };
}

const WRITE_DTYPE: Record<HostTensor['dtype'], SafetensorsDtype> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

async function toHost(name: string, t: tf.Tensor | HostTensor): Promise<HostTensor> {
  if (t instanceof tf.Tensor) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new SafetensorsError(`writeSafetensors: tensor '${name}' has dtype ${t.dtype}; only float32, int32 and bool are written`);
    }
    const data = await t.data();
    return {
      dtype: t.dtype,
      shape: [...t.shape],
      data: t.dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : (data as Float32Array | Int32Array),
    };
  }
  return t;
}

/**
 * Serialises tensors (tfjs tensors, read with `await t.data()`, or host
 * tensors) to safetensors bytes: float32 → F32, int32 → I32, bool → BOOL,
 * little-endian, header padded with spaces to an 8-byte boundary.
 */
export async function writeSafetensors(
  tensors: Record<string, tf.Tensor | HostTensor> | Map<string, tf.Tensor | HostTensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const items = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const host: [string, HostTensor][] = [];
  for (const [name, t] of items) {
    if (name === '__metadata__') throw new SafetensorsError(`writeSafetensors: '__metadata__' is reserved and cannot name a tensor`);
    host.push([name, await toHost(name, t)]);
  }
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, t] of host) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new SafetensorsError(`writeSafetensors: tensor '${name}' has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
    const bytes = count * ITEM_SIZE[WRITE_DTYPE[t.dtype]];
    header[name] = { dtype: WRITE_DTYPE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const pad = (8 - (new TextEncoder().encode(json).byteLength % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.byteLength;
  for (const [, t] of host) {
    for (let i = 0; i < t.data.length; i++) {
      if (t.dtype === 'float32') view.setFloat32(pos + 4 * i, t.data[i]!, true);
      else if (t.dtype === 'int32') view.setInt32(pos + 4 * i, t.data[i]!, true);
      else view.setUint8(pos + i, t.data[i] ? 1 : 0);
    }
    pos += t.data.length * (t.dtype === 'bool' ? 1 : 4);
  }
  return out;
}

/** A host tensor as a tfjs tensor on the active backend. */
export function hostToTensor(t: HostTensor): tf.Tensor {
  return tf.tensor(t.data, t.shape, t.dtype);
}
