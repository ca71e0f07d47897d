import { crc32 } from '../src/weights/torch-checkpoint/crc32.js';
import { readZipArchive } from '../src/weights/torch-checkpoint/zip-archive.js';

/**
 * Builds torch.save-shaped archives by hand, so tests can reach what torch
 * 1.13 does not write (big-endian storages, torch 2.x records, UntypedStorage)
 * and what no honest torch writes (hostile pickles, lying sizes).
 */

export interface ZipFileSpec {
  name: string;
  data: Uint8Array;
  /** Compression method written in the headers (the data is stored as given). */
  method?: number;
  flags?: number;
}

/** A zip archive of stored entries, as torch writes them (no alignment padding). */
export function zipArchive(files: ZipFileSpec[]): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    const crc = crc32(f.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, f.flags ?? 0, true);
    lv.setUint16(8, f.method ?? 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, f.data.length, true);
    lv.setUint32(22, f.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, f.flags ?? 0, true);
    cv.setUint16(10, f.method ?? 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, f.data.length, true);
    cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cd.set(name, 46);
    chunks.push(local, f.data);
    central.push(cd);
    offset += local.length + f.data.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return concat([...chunks, ...central, end]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The entries of an archive (a torch fixture), for re-packing with changes. */
export function unzip(bytes: Uint8Array): ZipFileSpec[] {
  const zip = readZipArchive(bytes, { verifyCrc: true, fail: (msg) => { throw new Error(msg); } });
  return [...zip.entries.keys()].map((name) => ({ name, data: zip.read(name).slice() }));
}

/** Writes pickle opcodes one call at a time (protocol 2 forms unless noted). */
export class PickleWriter {
  private readonly bytes: number[] = [];
  private readonly enc = new TextEncoder();

  op(...codes: number[]): this {
    this.bytes.push(...codes);
    return this;
  }
  proto(v = 2): this { return this.op(0x80, v); }
  mark(): this { return this.op(0x28); }
  stop(): this { return this.op(0x2e); }
  emptyDict(): this { return this.op(0x7d); }
  emptyList(): this { return this.op(0x5d); }
  emptyTuple(): this { return this.op(0x29); }
  tuple(): this { return this.op(0x74); }
  setitem(): this { return this.op(0x73); }
  setitems(): this { return this.op(0x75); }
  append(): this { return this.op(0x61); }
  reduce(): this { return this.op(0x52); }
  build(): this { return this.op(0x62); }
  persid(): this { return this.op(0x51); }
  none(): this { return this.op(0x4e); }
  bool(v: boolean): this { return this.op(v ? 0x88 : 0x89); }
  put(i: number): this { return this.op(0x71, i); }
  get(i: number): this { return this.op(0x68, i); }
  int(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    return this.op(0x4a, ...b);
  }
  float(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.op(0x47, ...b);
  }
  str(s: string): this {
    const b = this.enc.encode(s);
    const n = new Uint8Array(4);
    new DataView(n.buffer).setUint32(0, b.length, true);
    return this.op(0x58, ...n, ...b);
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...this.enc.encode(`${module}\n${name}\n`));
  }
  /** Protocol 4's STACK_GLOBAL: module and name as strings on the stack. */
  stackGlobal(module: string, name: string): this {
    return this.str(module).str(name).op(0x93);
  }
  ints(xs: number[]): this {
    this.mark();
    for (const x of xs) this.int(x);
    return this.tuple();
  }
  /** `('storage', torch.<type>, key, location, numel)` as a persistent id. */
  storage(type: string, key: string, numel: number, typeModule = 'torch'): this {
    return this.mark().str('storage').global(typeModule, type).str(key).str('cpu').int(numel).tuple().persid();
  }
  /** `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`. */
  tensor(t: { type: string; key: string; numel: number; offset?: number; size: number[]; stride: number[] }): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark().storage(t.type, t.key, t.numel).int(t.offset ?? 0);
    return this.ints(t.size).ints(t.stride).bool(false).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** A checkpoint archive: `<folder>/data.pkl`, storages `<folder>/data/<key>`, a version record and any extra records. */
export function checkpoint(pickle: Uint8Array, storages: Record<string, Uint8Array>, extra: Record<string, Uint8Array | string> = {}, folder = 'archive'): Uint8Array {
  const enc = new TextEncoder();
  return zipArchive([
    { name: `${folder}/data.pkl`, data: pickle },
    ...Object.entries(extra).map(([name, data]) => ({ name: `${folder}/${name}`, data: typeof data === 'string' ? enc.encode(data) : data })),
    ...Object.entries(storages).map(([key, data]) => ({ name: `${folder}/data/${key}`, data })),
    { name: `${folder}/version`, data: enc.encode('3\n') },
  ]);
}

/** Raw storage bytes of float32 values (little-endian unless asked). */
export function f32Bytes(xs: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(4 * xs.length);
  const v = new DataView(out.buffer);
  xs.forEach((x, i) => v.setFloat32(4 * i, x, littleEndian));
  return out;
}
