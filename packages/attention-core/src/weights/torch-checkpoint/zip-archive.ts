import { crc32 } from './crc32.js';

/**
 * Reads the zip container `torch.save` writes (PKWARE APPNOTE 6.3: central
 * directory, ZIP64 for archives past 4 GiB or 65535 entries, entries stored
 * uncompressed and 64-byte aligned). Every offset and length is checked against
 * the bytes present before it is used, so a truncated or lying archive is an
 * error naming the problem, never a read out of range.
 */

/** One file of the archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored (what torch writes), 8 = deflate. */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Where the entry's bytes start: past its local header, whose name was checked against this one. */
  dataOffset: number;
}

export interface ZipArchive {
  /** Entries by name, in central-directory order. */
  entries: Map<string, ZipEntry>;
  /** The bytes of an entry: a view into the input, no copy; its CRC-32 is checked when `verifyCrc`. */
  read(name: string): Uint8Array;
}

export interface ReadZipOptions {
  verifyCrc: boolean;
  fail: (msg: string) => never;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
/** A 16- or 32-bit field at its maximum means "the real value is in the ZIP64 record". */
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

export function readZipArchive(u8: Uint8Array, { verifyCrc, fail }: ReadZipOptions): ZipArchive {
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const within = (offset: number, length: number, what: string): void => {
    if (offset < 0 || length < 0 || offset + length > u8.byteLength) {
      fail(`${what} spans bytes ${offset}–${offset + length}, past the end of the ${u8.byteLength}-byte file (truncated?)`);
    }
  };
  const u64 = (offset: number, what: string): number => {
    const v = view.getBigUint64(offset, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} is ${v}, beyond any file this reader can hold`);
    return Number(v);
  };

  // The end-of-central-directory record: the last 22 bytes, or earlier if a comment follows it.
  let eocd = -1;
  for (let at = u8.byteLength - EOCD_SIZE; at >= Math.max(0, u8.byteLength - EOCD_SIZE - MAX16); at--) {
    if (view.getUint32(at, true) === EOCD_SIG && at + EOCD_SIZE + view.getUint16(at + 20, true) === u8.byteLength) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no zip end-of-central-directory record (not a zip archive, or the file is truncated)');
  for (const field of [eocd + 4, eocd + 6]) {
    const disk = view.getUint16(field, true);
    if (disk !== 0 && disk !== MAX16) fail('multi-part (spanned) zip archives are not supported');
  }
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let cdEnd = eocd;

  const locator = eocd - ZIP64_LOCATOR_SIZE;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIG) {
    const at = u64(locator + 8, 'the ZIP64 end-of-central-directory offset');
    within(at, ZIP64_EOCD_SIZE, 'the ZIP64 end-of-central-directory record');
    if (at + ZIP64_EOCD_SIZE > locator) fail('the ZIP64 end-of-central-directory record overlaps its locator');
    if (view.getUint32(at, true) !== ZIP64_EOCD_SIG) fail(`no ZIP64 end-of-central-directory record at byte ${at}, where the locator points`);
    count = u64(at + 32, 'the ZIP64 entry count');
    cdSize = u64(at + 40, 'the ZIP64 central directory size');
    cdOffset = u64(at + 48, 'the ZIP64 central directory offset');
    cdEnd = at;
  } else if (count === MAX16 || cdSize === MAX32 || cdOffset === MAX32) {
    fail('the end-of-central-directory record defers to a ZIP64 record that is missing');
  }
  if (cdOffset + cdSize > cdEnd) {
    fail(`the central directory (bytes ${cdOffset}–${cdOffset + cdSize}) runs past its end record at byte ${cdEnd} (truncated?)`);
  }
  // Each central header takes at least 46 bytes: bound the count before trusting it.
  if (count * CENTRAL_SIZE > cdSize) fail(`the central directory claims ${count} entries but holds only ${cdSize} bytes`);

  const names = new TextDecoder('utf-8');
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(at, true) !== CENTRAL_SIG) {
      fail(`central directory entry ${i} (byte ${at}) is missing or malformed`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const disk = view.getUint16(at + 34, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const next = at + CENTRAL_SIZE + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) fail(`central directory entry ${i} runs past the end of the central directory`);
    const name = names.decode(u8.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLen));

    // ZIP64 extra field: 8-byte values for exactly those fields saturated above, in this order.
    if (size === MAX32 || compressedSize === MAX32 || localHeaderOffset === MAX32) {
      let x = at + CENTRAL_SIZE + nameLen;
      const xEnd = x + extraLen;
      let found = false;
      while (x + 4 <= xEnd) {
        const id = view.getUint16(x, true);
        const len = view.getUint16(x + 2, true);
        if (x + 4 + len > xEnd) break;
        if (id === ZIP64_EXTRA_ID) {
          let p = x + 4;
          const take = (what: string): number => {
            if (p + 8 > x + 4 + len) fail(`entry '${name}': its ZIP64 extra field lacks the ${what}`);
            const v = u64(p, `entry '${name}': the ZIP64 ${what}`);
            p += 8;
            return v;
          };
          if (size === MAX32) size = take('size');
          if (compressedSize === MAX32) compressedSize = take('compressed size');
          if (localHeaderOffset === MAX32) localHeaderOffset = take('local header offset');
          found = true;
          break;
        }
        x += 4 + len;
      }
      if (!found) fail(`entry '${name}' has saturated 32-bit sizes but no ZIP64 extra field`);
    }
    if (disk !== 0 && disk !== MAX16) fail(`entry '${name}' lives on disk ${disk} of a multi-part archive`);
    if (entries.has(name)) fail(`the archive holds two entries named '${name}'`);
    // The local header must agree on the name: a damaged name in either copy is caught here, read or not.
    within(localHeaderOffset, LOCAL_SIZE, `the local header of '${name}'`);
    if (view.getUint32(localHeaderOffset, true) !== LOCAL_SIG) fail(`no local header for '${name}' at byte ${localHeaderOffset}`);
    const localNameLen = view.getUint16(localHeaderOffset + 26, true);
    const dataOffset = localHeaderOffset + LOCAL_SIZE + localNameLen + view.getUint16(localHeaderOffset + 28, true);
    within(dataOffset, compressedSize, `the data of '${name}'`);
    if (names.decode(u8.subarray(localHeaderOffset + LOCAL_SIZE, localHeaderOffset + LOCAL_SIZE + localNameLen)) !== name) {
      fail(`the local header at byte ${localHeaderOffset} does not name '${name}'`);
    }
    entries.set(name, { name, method, flags, crc, compressedSize, size, localHeaderOffset, dataOffset });
    at = next;
  }

  const read = (name: string): Uint8Array => {
    const e = entries.get(name);
    if (!e) return fail(`the archive has no entry '${name}'`);
    if (e.flags & 1) fail(`entry '${name}' is encrypted`);
    if (e.method === 8) {
      fail(
        `entry '${name}' is deflate-compressed; torch.save writes entries uncompressed. ` +
          'Re-save the checkpoint with torch.save, or re-zip it without compression (zip -0)',
      );
    }
    if (e.method !== 0) fail(`entry '${name}' uses compression method ${e.method}; only stored (uncompressed) entries are read`);
    if (e.compressedSize !== e.size) fail(`stored entry '${name}' claims ${e.compressedSize} bytes stored for ${e.size} bytes of content`);
    const data = u8.subarray(e.dataOffset, e.dataOffset + e.size);
    if (verifyCrc) {
      const got = crc32(data);
      if (got !== e.crc) {
        fail(`entry '${name}' fails its CRC-32 check (stored ${hex(e.crc)}, computed ${hex(got)}): the file is corrupt`);
      }
    }
    return data;
  };
  return { entries, read };
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
