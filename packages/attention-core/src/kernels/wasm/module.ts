import { KERNELS_WASM_BASE64 } from './binary.js';

/** The exports of assembly/index.ts (pointers are byte offsets into the backend's memory, sizes in floats). */
export interface WasmKernelExports {
  gemm(a: number, ars: number, acs: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number, accumulate: number, bias: number): void;
  transpose(a: number, lda: number, b: number, ldb: number, m: number, n: number): void;
  zeroRows(o: number, os: number, n: number, w: number): void;
  scaleRows(x: number, xs: number, s: number, y: number, n: number, w: number): void;
  sumRows(x: number, xs: number, z: number, n: number, w: number): void;
  denominators(q: number, qs: number, k: number, ks: number, z: number, den: number, n: number, m: number, eps: number, causal: number): void;
  divideRows(o: number, os: number, den: number, n: number, w: number): void;
  withOnes(x: number, xs: number, y: number, n: number, w: number): void;
  scan(q: number, qs: number, k: number, ks: number, v: number, vs: number, o: number, os: number, n: number, m: number, dv: number, reverse: number): void;
  gradTerms(dy: number, dys: number, out: number, outs: number, den: number, g: number, gs: number, h: number, hs: number, n: number, dv: number): void;
  addOuter(x: number, xs: number, a: number, as: number, b: number, n: number, w: number): void;
  flashForward(
    q: number, qs: number, k: number, ks: number, v: number, vs: number, o: number, os: number, stat: number,
    n: number, keys: number, d: number, dv: number, scale: number, causal: number, window: number, bias: number,
    kt: number, s: number, acc: number, stats: number,
  ): void;
  flashBackward(
    q: number, qs: number, k: number, ks: number, v: number, vs: number, o: number, os: number, dout: number, dos: number, stat: number,
    dq: number, dqs: number, dk: number, dks: number, dv: number, dvs: number,
    n: number, keys: number, d: number, dv_: number, scale: number, causal: number, window: number, bias: number,
    kt: number, vt: number, p: number, dp: number, delta: number,
  ): void;
  aftSimpleForward(q: number, k: number, v: number, y: number, stat: number, t: number, c: number, causal: number, scratch: number): void;
  focusForward(x: number, pos: number, posRows: number, sp: number, out: number, rows: number, c: number, p: number): void;
  focusBackward(x: number, pos: number, posRows: number, sp: number, g: number, dx: number, dsp: number, rows: number, c: number, p: number, y: number): void;
  aftSimpleBackward(q: number, k: number, v: number, dy: number, stat: number, dq: number, dk: number, dv: number, t: number, c: number, causal: number, scratch: number): void;
}

/** What the kernels need of tfjs-backend-wasm's `BackendWasm` (4.x), structurally: no import of that package. */
export interface WasmBackendLike {
  wasm: {
    asm?: { memory?: WebAssembly.Memory };
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): { dataId: object; shape: number[]; dtype: 'float32' };
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, WasmKernelExports | null>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * The module with its memory import declared shared (flags 0x03, maximum 65,536 pages): the
 * threaded tfjs build (cross-origin isolated pages) runs on a shared memory, and an import must
 * match its sharedness. The binary declares exactly one import, `env.memory`, with no maximum.
 */
export function sharedMemoryVariant(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  for (let at = 8; at < bytes.length; ) {
    const [size, body] = readLeb(bytes, at + 1);
    if (bytes[at] === 2) {
      const [count, first] = readLeb(bytes, body);
      const entries: number[] = [...leb(count)];
      let p = first;
      for (let i = 0; i < count; i++) {
        const names = p;
        p = namesEnd(bytes, p);
        if (bytes[p] !== 2) throw new Error('kernels.wasm imports something other than a memory');
        const flags = bytes[p + 1]!;
        const [min, afterMin] = readLeb(bytes, p + 2);
        p = flags & 1 ? readLeb(bytes, afterMin)[1] : afterMin;
        entries.push(...bytes.subarray(names, namesEnd(bytes, names)), 2, 0x03, ...leb(min), ...leb(65536));
      }
      const section = [2, ...leb(entries.length), ...entries];
      const out = new Uint8Array(at + section.length + bytes.length - (body + size));
      out.set(bytes.subarray(0, at));
      out.set(section, at);
      out.set(bytes.subarray(body + size), at + section.length);
      return out;
    }
    at = body + size;
  }
  throw new Error('kernels.wasm has no import section');
}

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

/** An unsigned LEB128 at `at`: [value, offset after it]. */
function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let v = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++]!;
    v |= (b & 0x7f) << shift;
    if (b < 0x80) return [v >>> 0, at];
  }
}

/** End of an import entry's two names (module, field: length-prefixed strings) starting at `at`. */
function namesEnd(bytes: Uint8Array, at: number): number {
  for (let s = 0; s < 2; s++) {
    const [len, after] = readLeb(bytes, at);
    at = after + len;
  }
  return at;
}

/**
 * The kernels instantiated on `backend`'s own memory (once per memory), or null where they
 * cannot run (no WebAssembly SIMD, a backend without the expected internals): callers then
 * take the stock-op path. Synchronous, because tfjs kernels are: the module is small.
 */
export function wasmKernels(backend: WasmBackendLike): WasmKernelExports | null {
  const memory = backend.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let exports: WasmKernelExports | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    if (compiled === undefined || shared) {
      const bytes = decode(KERNELS_WASM_BASE64);
      const mod = new WebAssembly.Module(shared ? sharedMemoryVariant(bytes) : bytes);
      if (!shared) compiled = mod;
      exports = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as WasmKernelExports;
    } else if (compiled) {
      exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as WasmKernelExports;
    }
  } catch {
    if (compiled === undefined) compiled = null;
    exports = null;
  }
  instances.set(memory, exports);
  return exports;
}
