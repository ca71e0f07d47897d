// Browser backends in the order the demo prefers them: webgpu → webgl → wasm → cpu.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The wasm binaries are emitted as build assets; the backend fetches them from these URLs.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

export interface BackendState {
  active: BrowserBackend;
  /** Backends tried before the active one, with why each was passed over. */
  skipped: { name: BrowserBackend; reason: string }[];
  /** WebGPU adapter description (e.g. SwiftShader) when webgpu is active. */
  adapter?: string;
  /** The WebGPU adapter is a software one (SwiftShader, llvmpipe, a fallback adapter): it runs on the CPU. */
  softwareAdapter?: boolean;
}

/** Adapters that emulate a GPU on the CPU: timing on them measures the emulator. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render|software/i;

async function whyNoWebGpu(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!window.isSecureContext) return 'the page is not a secure context (serve it from localhost or https)';
  if (!gpu) return 'this browser has no navigator.gpu (WebGPU is off or unsupported)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'navigator.gpu.requestAdapter() found no adapter';
  return 'the webgpu backend failed to initialise';
}

async function adapterInfo(): Promise<{ adapter?: string; softwareAdapter: boolean }> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = (await gpu?.requestAdapter().catch(() => null)) as { info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null | undefined;
  const info = adapter?.info;
  if (!info) return { softwareAdapter: adapter?.isFallbackAdapter === true };
  const text = [info['vendor'], info['architecture'], info['device'], info['description']].filter((v) => typeof v === 'string' && v).join(' ');
  const fallback = info['isFallbackAdapter'] === true || adapter?.isFallbackAdapter === true;
  return { adapter: text || undefined, softwareAdapter: fallback || SOFTWARE_ADAPTER.test(text) };
}

/** Switches to `name`; false (with the state unchanged) if it cannot start here. */
export async function trySetBackend(name: BrowserBackend): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** Starts the first backend that works, preferring `prefer` when given. */
export async function startBackend(prefer?: BrowserBackend): Promise<BackendState> {
  const order = prefer ? [prefer, ...BROWSER_BACKENDS.filter((b) => b !== prefer)] : [...BROWSER_BACKENDS];
  const skipped: BackendState['skipped'] = [];
  for (const name of order) {
    if (await trySetBackend(name)) {
      await tf.ready();
      return { active: name, skipped, ...(name === 'webgpu' ? await adapterInfo() : {}) };
    }
    skipped.push({ name, reason: name === 'webgpu' ? await whyNoWebGpu() : `tf.setBackend('${name}') failed` });
  }
  throw new Error('no tfjs backend could start (webgpu, webgl, wasm and cpu all failed)');
}

/**
 * The backend the lab times on: the active one, unless it is WebGPU on a software adapter
 * (SwiftShader emulates the GPU on the CPU, slower than wasm there), then wasm.
 */
export function timingBackend(s: BackendState): BrowserBackend {
  return s.active === 'webgpu' && s.softwareAdapter ? 'wasm' : s.active;
}
