import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { probeDawnQuietly, SWIFTSHADER_ICD } from './dawn-probe.js';

/**
 * The backends a Node process can run on, fastest first. `tensorflow-gpu` and
 * `tensorflow` are the native bindings (`@tensorflow/tfjs-node-gpu`,
 * `@tensorflow/tfjs-node`); both register the tfjs backend named `tensorflow`.
 */
export const NODE_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof NODE_BACKENDS)[number];

export interface BackendProbe {
  name: BackendName;
  /** `true` usable, `false` not usable here, `null` not tried (a faster one was picked first). */
  available: boolean | null;
  /** One line: what was found, or why it cannot be used and how to get it. */
  detail: string;
  /** webgpu only: the adapter is a software rasteriser (SwiftShader), running on the CPU. */
  software?: boolean;
  /** Usable, but passed over: a software WebGPU adapter under `skipSoftwareWebgpu`. */
  skipped?: boolean;
}

export interface BackendChoice {
  name: BackendName;
  /** The tfjs backend id now active (`tf.getBackend()`). */
  tfBackend: string;
  /** Why this one: the order that was walked, or the explicit request. */
  reason: string;
  probes: BackendProbe[];
}

export interface SelectOptions {
  /** A backend name, or `auto` (default) for the first available in `order`. */
  backend?: BackendName | 'auto';
  order?: readonly BackendName[];
  /**
   * Loads optional modules. Injected by tests to stand in for
   * `@tensorflow/tfjs-node(-gpu)`, which cannot be installed everywhere.
   */
  importModule?: (specifier: string) => Promise<unknown>;
  /**
   * For timing work (the tour, benchmarks, training): `auto` passes over a *software* WebGPU
   * adapter (SwiftShader on a machine without a GPU runs WebGPU on the CPU, tens of times
   * slower than wasm) and says so. An explicit `backend: 'webgpu'` still uses it.
   */
  skipSoftwareWebgpu?: boolean;
}

/** Raised when an explicitly requested backend cannot be used. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly detail: string,
  ) {
    super(`backend '${backend}' is not available: ${detail}`);
    this.name = 'BackendUnavailableError';
  }
}

const defaultImport = (specifier: string): Promise<unknown> => import(specifier);

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    (e.message ?? '').includes(specifier)
  );
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

interface Attempt {
  ok: boolean;
  detail: string;
  software?: boolean;
  skipped?: boolean;
}

type Activator = (load: (s: string) => Promise<unknown>, options: { skipSoftware: boolean }) => Promise<Attempt>;

/** Sets a registered tfjs backend and reports failure instead of throwing. */
async function activate(id: string): Promise<Attempt | null> {
  if (tf.findBackendFactory(id) == null) return null;
  try {
    const ok = await tf.setBackend(id);
    return ok ? null : { ok: false, detail: `tf.setBackend('${id}') returned false` };
  } catch (err) {
    return { ok: false, detail: `initialisation failed: ${firstLine(err)}` };
  }
}

function nativeActivator(specifier: string, wantGpu: boolean): Activator {
  const install = wantGpu
    ? `not installed (pnpm add -w ${specifier}: Linux x64 with CUDA 11.2 and cuDNN 8; its install step downloads libtensorflow)`
    : `not installed (pnpm add -w ${specifier}: its install step downloads libtensorflow)`;
  return async (load) => {
    let mod: unknown;
    try {
      mod = await load(specifier);
    } catch (err) {
      if (isModuleNotFound(err, specifier)) return { ok: false, detail: install };
      return { ok: false, detail: `installed but failed to load: ${firstLine(err)}` };
    }
    if (tf.findBackendFactory('tensorflow') == null) {
      const theirs = (mod as { version?: Record<string, string> })?.version?.['tfjs-core'];
      return {
        ok: false,
        detail:
          `loaded, but it registered its backend with another copy of @tensorflow/tfjs-core` +
          `${theirs ? ` (${theirs})` : ''} than ours (${tf.version_core}); install the same version so there is one engine`,
      };
    }
    const failed = await activate('tensorflow');
    if (failed) return failed;
    const b = tf.backend() as { isGPUPackage?: boolean; isUsingGpuDevice?: boolean };
    if (wantGpu) {
      if (b.isUsingGpuDevice === false) {
        return { ok: false, detail: 'loaded, but TensorFlow found no CUDA device (it would run on the CPU)' };
      }
      return { ok: true, detail: 'libtensorflow with CUDA' };
    }
    return { ok: true, detail: 'libtensorflow (CPU, multi-threaded)' };
  };
}

interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

const NO_ADAPTER =
  'no WebGPU adapter (needs a Vulkan driver; without a GPU on Debian/Ubuntu: apt-get install chromium libvulkan1, ' +
  'whose SwiftShader driver is then used as a software adapter)';

/**
 * Exposes a Dawn WebGPU device to tfjs through the `webgpu` npm package. Which driver gives an
 * adapter is found first in a child process (dawn-probe.ts), so the Vulkan loader's warnings
 * about missing drivers never reach this process's output.
 */
const webgpuActivator: Activator = async (load, { skipSoftware }) => {
  let dawn: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
  try {
    dawn = (await load('webgpu')) as typeof dawn;
  } catch (err) {
    if (isModuleNotFound(err, 'webgpu')) return { ok: false, detail: 'the `webgpu` npm package is not installed' };
    return { ok: false, detail: `the Dawn binding failed to load: ${firstLine(err)}` };
  }
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  let gpu = g.navigator?.gpu;
  let adapter: AdapterLike | null = null;
  let fellBack = false;
  if (gpu) {
    adapter = await gpu.requestAdapter();
  } else {
    if (process.platform === 'linux') process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
    const userChoseDriver = process.env['VK_ICD_FILENAMES'] || process.env['VK_DRIVER_FILES'];
    const probe = await probeDawnQuietly();
    if (probe && !probe.adapter) return { ok: false, detail: NO_ADAPTER };
    if (probe?.icd) {
      // No usable hardware driver: Debian's Chromium ships the SwiftShader Vulkan driver.
      process.env['VK_ICD_FILENAMES'] = probe.icd;
      fellBack = true;
    }
    gpu = dawn.create([]);
    adapter = await gpu.requestAdapter();
    // The child probe could not run: the same fallback here, where a failed scan may print.
    if (!probe && !adapter && process.platform === 'linux' && !userChoseDriver && existsSync(SWIFTSHADER_ICD)) {
      process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
      gpu = dawn.create([]);
      adapter = await gpu.requestAdapter();
      fellBack = adapter != null;
    }
    if (adapter) {
      Object.assign(globalThis, dawn.globals);
      if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
      else g.navigator = { gpu };
    }
  }
  if (!adapter) return { ok: false, detail: NO_ADAPTER };
  const info = adapter.info;
  const software = info?.architecture === 'swiftshader' || /swiftshader/i.test(info?.description ?? '');
  const name = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const how = fellBack ? '; no hardware adapter, so SwiftShader from Chromium' : '';
  const detail = `Dawn adapter: ${name}${software ? ` (software rasteriser, runs on the CPU${how})` : ''}`;
  if (software && skipSoftware) {
    return { ok: false, software, skipped: true, detail: `skipped for timing: ${detail}; far slower than wasm (--backend webgpu uses it)` };
  }
  try {
    await load('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return { ok: false, detail: `@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(err)}` };
  }
  const failed = await activate('webgpu');
  if (failed) return failed;
  return { ok: true, software, detail };
};

const wasmActivator: Activator = async (load) => {
  // The wasm module installs process handlers that rethrow every uncaught error
  // from inside its minified source; drop them so errors read normally.
  const before = new Set(process.listeners('uncaughtException'));
  const beforeRej = new Set(process.listeners('unhandledRejection'));
  try {
    await load('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { ok: false, detail: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(err)}` };
  }
  const failed = await activate('wasm');
  for (const l of process.listeners('uncaughtException')) if (!before.has(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!beforeRej.has(l)) process.off('unhandledRejection', l);
  if (failed) return failed;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { ok: true, detail: `WebAssembly${simd ? ' with SIMD' : ''}, single-threaded in Node` };
};

const cpuActivator: Activator = async (load) => {
  await load('@tensorflow/tfjs-backend-cpu');
  const failed = await activate('cpu');
  if (failed) return failed;
  // The cpu backend prints an install hint for tfjs-node on first use; the
  // report of this module already says whether tfjs-node is installed.
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  return { ok: true, detail: 'plain JavaScript' };
};

const ACTIVATORS: Record<BackendName, Activator> = {
  'tensorflow-gpu': nativeActivator('@tensorflow/tfjs-node-gpu', true),
  tensorflow: nativeActivator('@tensorflow/tfjs-node', false),
  webgpu: webgpuActivator,
  wasm: wasmActivator,
  cpu: cpuActivator,
};

function toProbe(name: BackendName, a: Attempt): BackendProbe {
  return { name, available: a.ok, detail: a.detail, ...(a.software !== undefined && { software: a.software }), ...(a.skipped && { skipped: true }) };
}

export function isBackendName(name: string): name is BackendName {
  return (NODE_BACKENDS as readonly string[]).includes(name);
}

/**
 * Picks and activates a tfjs backend. With `backend: 'auto'` it walks `order`
 * (default: tensorflow-gpu → tensorflow → webgpu → wasm → cpu) and keeps the
 * first that works; every backend it tried says why it was not taken.
 * An explicit backend that cannot be used throws `BackendUnavailableError`.
 */
export async function selectBackend(options: SelectOptions = {}): Promise<BackendChoice> {
  const load = options.importModule ?? defaultImport;
  const requested = options.backend ?? 'auto';
  if (requested !== 'auto' && !isBackendName(requested)) {
    throw new Error(`unknown backend '${requested as string}'; expected one of: auto, ${NODE_BACKENDS.join(', ')}`);
  }
  const order = requested === 'auto' ? [...(options.order ?? NODE_BACKENDS)] : [requested];
  const probes: BackendProbe[] = [];
  let chosen: BackendName | null = null;
  for (const name of order) {
    if (chosen) {
      probes.push({ name, available: null, detail: `not tried (${chosen} comes first)` });
      continue;
    }
    const attempt = await ACTIVATORS[name](load, { skipSoftware: requested === 'auto' && options.skipSoftwareWebgpu === true });
    probes.push(toProbe(name, attempt));
    if (attempt.ok) chosen = name;
  }
  if (!chosen) {
    if (requested !== 'auto') throw new BackendUnavailableError(requested, probes[0]!.detail);
    throw new Error(`no tfjs backend could be started:\n${formatProbes(probes)}`);
  }
  const skipped = probes.filter((p) => p.skipped).map((p) => p.name);
  const reason =
    requested === 'auto'
      ? `first available of ${order.join(' → ')}${skipped.length ? `, skipping ${skipped.join(', ')}: a software adapter (SwiftShader, on the CPU) is far slower for timing work` : ''}`
      : `requested explicitly`;
  return { name: chosen, tfBackend: tf.getBackend(), reason, probes };
}

/**
 * Tries every backend (in the given order) and reports which are usable here,
 * leaving the last usable one active. For `--help` listings and reports.
 */
export async function probeBackends(options: Omit<SelectOptions, 'backend'> = {}): Promise<BackendProbe[]> {
  const load = options.importModule ?? defaultImport;
  const probes: BackendProbe[] = [];
  for (const name of options.order ?? NODE_BACKENDS) {
    probes.push(toProbe(name, await ACTIVATORS[name](load, { skipSoftware: options.skipSoftwareWebgpu === true })));
  }
  return probes;
}

export function formatProbes(probes: readonly BackendProbe[]): string {
  const width = Math.max(...probes.map((p) => p.name.length));
  return probes
    .map((p) => {
      const mark = p.available === true ? 'yes' : p.available === false ? 'no ' : ' - ';
      return `  ${p.name.padEnd(width)}  ${mark}  ${p.detail}`;
    })
    .join('\n');
}

/** The run-header text: which backend, why, and what the others said. */
export function formatChoice(choice: BackendChoice): string {
  const picked = choice.probes.find((p) => p.name === choice.name);
  return `backend: ${choice.name} (${picked?.detail ?? choice.tfBackend}) — ${choice.reason}\n${formatProbes(choice.probes)}`;
}

/**
 * Releases what keeps the process alive: a live Dawn device holds Node's
 * event loop open, so scripts that used webgpu call this before exiting.
 */
export function releaseBackend(): void {
  if (tf.getBackend() === 'webgpu') {
    const device = (tf.backend() as { device?: { destroy(): void } }).device;
    tf.removeBackend('webgpu');
    device?.destroy();
  }
}
