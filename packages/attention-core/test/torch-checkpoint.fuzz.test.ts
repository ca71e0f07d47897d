import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTorchCheckpoint, TorchCheckpointError, type ReadTorchCheckpointOptions, type TorchCheckpoint } from '../src/weights/torch-checkpoint/index.js';
import { unzip, zipArchive } from './torch-archive-builder.js';

/**
 * Thousands of damaged checkpoints, from a fixed seed: every read must end,
 * quickly, in either a TorchCheckpointError or a sound result — never another
 * exception, a hang or a huge allocation. With CRC checks on, a sound result
 * must be the undamaged file's result exactly.
 */

const SOURCES = ['simple.pth', 'dtypes.pth', 'views.pth', 'nested.pth', 'parameters.pth', 'simple-protocol5.pth', 'simple-zip64.pth'];
const files = SOURCES.map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(`./fixtures/torch/${name}`, import.meta.url))) }));
/** Slow enough to mean a hang or a runaway loop on these few-KB files, loose enough for a busy machine. */
const MS_PER_CASE = 1000;

/** mulberry32: a seeded PRNG, so every run damages the files the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const below = (rand: Rand, n: number): number => Math.floor(rand() * n);

/** 1–4 point changes: a random byte, a flipped bit, or a boundary value (0, 0xff, 0x7f, 0x80). */
function mutateBytes(src: Uint8Array, rand: Rand): Uint8Array {
  const out = src.slice();
  for (let n = 1 + below(rand, 4); n > 0; n--) {
    const i = below(rand, out.length);
    const kind = below(rand, 3);
    out[i] = kind === 0 ? below(rand, 256) : kind === 1 ? out[i]! ^ (1 << below(rand, 8)) : pick(rand, [0, 0xff, 0x7f, 0x80]);
  }
  return out;
}

/** Structural damage too: bytes inserted, deleted, a run duplicated, or the stream cut. */
function mutateStream(src: Uint8Array, rand: Rand): Uint8Array {
  const i = below(rand, src.length);
  switch (below(rand, 5)) {
    case 0: return concat(src.subarray(0, i), Uint8Array.of(below(rand, 256)), src.subarray(i));
    case 1: return concat(src.subarray(0, i), src.subarray(i + 1 + below(rand, 4)));
    case 2: { const len = 1 + below(rand, 16); return concat(src.subarray(0, i + len), src.subarray(i)); }
    case 3: return src.slice(0, i);
    default: return mutateBytes(src, rand);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

type Outcome = { ok: TorchCheckpoint } | { error: string };

/** Reads one damaged file; anything but a result or a TorchCheckpointError fails the test, as does a slow read. */
function attempt(bytes: Uint8Array, what: string, options: ReadTorchCheckpointOptions = {}): Outcome {
  const start = performance.now();
  let outcome: Outcome;
  try {
    outcome = { ok: readTorchCheckpoint(bytes, options) };
  } catch (err) {
    if (!(err instanceof TorchCheckpointError)) throw new Error(`${what}: threw ${String(err)} instead of a TorchCheckpointError`, { cause: err });
    outcome = { error: err.message };
  }
  const ms = performance.now() - start;
  if (ms > MS_PER_CASE) throw new Error(`${what}: took ${ms.toFixed(0)} ms`);
  return outcome;
}

/** A result a caller can use: every tensor's data matches its shape and dtype. */
function expectSound(ckpt: TorchCheckpoint, what: string): void {
  for (const [key, t] of ckpt.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    const ArrayType = { float32: Float32Array, int32: Int32Array, bool: Uint8Array }[t.dtype];
    if (typeof key !== 'string' || t.data.length !== count || !(t.data instanceof ArrayType) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${what}: tensor '${key}' is unsound (shape [${t.shape.join(', ')}], ${t.data.length} ${t.dtype} values)`);
    }
  }
}

const clean = new Map(files.map((f) => [f.name, readTorchCheckpoint(f.bytes)]));

describe('readTorchCheckpoint under fuzzing (seeded)', () => {
  it('2000 files with damaged bytes, CRCs checked: a clean error, or exactly the undamaged result', () => {
    const rand = prng(21);
    let same = 0;
    for (let c = 0; c < 2000; c++) {
      const f = pick(rand, files);
      const out = attempt(mutateBytes(f.bytes, rand), `case ${c} (${f.name})`);
      if ('ok' in out) {
        expect(out.ok, `case ${c} (${f.name}) read a damaged file as different data`).toEqual(clean.get(f.name));
        same++;
      }
    }
    // Harmless damage (timestamps, padding, version-made-by fields) happens, and is read unchanged.
    expect(same).toBeGreaterThan(0);
  });

  it('every truncation of a checkpoint: a clean error', () => {
    for (const f of files.slice(0, 3)) {
      for (let len = 0; len < f.bytes.length; len++) {
        const out = attempt(f.bytes.subarray(0, len), `${f.name} cut to ${len} bytes`);
        expect('error' in out, `${f.name} cut to ${len} bytes was read`).toBe(true);
      }
    }
  });

  it('3000 damaged pickles, re-packed with valid CRCs: a clean error or a sound result', () => {
    const rand = prng(22);
    const archives = files.map((f) => ({ name: f.name, entries: unzip(f.bytes) }));
    const errors = new Set<string>();
    let sound = 0;
    for (let c = 0; c < 3000; c++) {
      const a = pick(rand, archives);
      const entries = a.entries.map((e) => (e.name.endsWith('/data.pkl') ? { ...e, data: mutateStream(e.data, rand) } : e));
      const what = `pickle case ${c} (${a.name})`;
      const out = attempt(zipArchive(entries), what, { unknownClasses: c % 2 ? 'skip' : 'refuse' });
      if ('ok' in out) {
        expectSound(out.ok, what);
        sound++;
      } else {
        errors.add(out.error.replace(/\d+/g, 'N'));
      }
    }
    // The damage reaches deep: many different checks fire, and some damage still reads as sound data.
    expect(errors.size).toBeGreaterThan(30);
    expect(sound).toBeGreaterThan(10);
  });

  it('1500 damaged files read without CRC checks (damaged storages, headers and pickles): a clean error or a sound result', () => {
    const rand = prng(23);
    for (let c = 0; c < 1500; c++) {
      const f = pick(rand, files);
      const what = `unchecked case ${c} (${f.name})`;
      const out = attempt(c % 3 ? mutateBytes(f.bytes, rand) : mutateStream(f.bytes, rand), what, { verifyCrc: false });
      if ('ok' in out) expectSound(out.ok, what);
    }
  });
});
