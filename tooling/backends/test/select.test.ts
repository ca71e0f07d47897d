// tfjs-node / tfjs-node-gpu cannot be installed on every machine (their install
// step downloads libtensorflow), so the code path that picks them is tested
// with fakes standing in for the modules.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, formatChoice, selectBackend } from '@attention-zoo/backends';

const notFound = (specifier: string) =>
  Object.assign(new Error(`Cannot find package '${specifier}' imported from select.ts`), { code: 'ERR_MODULE_NOT_FOUND' });

/** Loads real modules, except the native bindings, which `fakes` decides. */
function loader(fakes: Record<string, () => unknown>) {
  return async (specifier: string) => {
    if (specifier in fakes) return fakes[specifier]!();
    if (specifier.startsWith('@tensorflow/tfjs-node')) throw notFound(specifier);
    return import(specifier);
  };
}

/** What tfjs-node does on import: register the `tensorflow` backend with our tfjs-core. */
function fakeTfjsNode({ gpu }: { gpu: boolean }) {
  return () => {
    tf.registerBackend('tensorflow', () => Object.assign(new MathBackendCPU(), { isGPUPackage: gpu, isUsingGpuDevice: gpu }));
    return { version: { 'tfjs-core': tf.version_core } };
  };
}

afterEach(async () => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

describe('selectBackend', () => {
  it('prefers tfjs-node-gpu when it finds a CUDA device', async () => {
    const choice = await selectBackend({ importModule: loader({ '@tensorflow/tfjs-node-gpu': fakeTfjsNode({ gpu: true }) }) });
    expect(choice.name).toBe('tensorflow-gpu');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(choice.reason).toMatch(/first available of tensorflow-gpu → tensorflow → webgpu → wasm → cpu/);
    expect(choice.probes.slice(1).every((p) => p.available === null)).toBe(true);
  });

  it('passes over tfjs-node-gpu without a CUDA device, then takes tfjs-node', async () => {
    const fake = fakeTfjsNode({ gpu: false });
    const choice = await selectBackend({
      importModule: loader({ '@tensorflow/tfjs-node-gpu': fake, '@tensorflow/tfjs-node': () => ({}) }),
    });
    expect(choice.probes[0]).toMatchObject({ name: 'tensorflow-gpu', available: false });
    expect(choice.probes[0]!.detail).toMatch(/no CUDA device/);
    expect(choice.name).toBe('tensorflow');
    expect(formatChoice(choice)).toMatch(/^backend: tensorflow \(libtensorflow \(CPU, multi-threaded\)\)/);
  });

  it('says how to install the native bindings when they are missing, and falls back', async () => {
    const choice = await selectBackend({ importModule: loader({}), order: ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] });
    expect(choice.name).toBe('wasm');
    expect(choice.probes[0]!.detail).toMatch(/not installed \(pnpm add -w @tensorflow\/tfjs-node-gpu/);
    expect(choice.probes[1]!.detail).toMatch(/not installed \(pnpm add -w @tensorflow\/tfjs-node:/);
    expect(choice.probes[3]).toMatchObject({ name: 'cpu', available: null });
  });

  it('detects a tfjs-node that registered with a second copy of tfjs-core', async () => {
    const choice = await selectBackend({
      importModule: loader({ '@tensorflow/tfjs-node': () => ({ version: { 'tfjs-core': '4.9.0' } }) }),
      order: ['tensorflow', 'cpu'],
    });
    expect(choice.probes[0]!.detail).toMatch(/another copy of @tensorflow\/tfjs-core \(4\.9\.0\) than ours \(4\.22\.0\)/);
    expect(choice.name).toBe('cpu');
  });

  it('reports a binding that is installed but broken', async () => {
    const choice = await selectBackend({
      importModule: loader({ '@tensorflow/tfjs-node': () => { throw new Error('libtensorflow.so.2: cannot open shared object file'); } }),
      order: ['tensorflow', 'cpu'],
    });
    expect(choice.probes[0]!.detail).toMatch(/installed but failed to load: libtensorflow\.so\.2/);
  });

  it('throws BackendUnavailableError for an explicit backend that cannot run, and rejects unknown names', async () => {
    await expect(selectBackend({ backend: 'tensorflow', importModule: loader({}) })).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend({ backend: 'tensorflow', importModule: loader({}) })).rejects.toThrow(/backend 'tensorflow' is not available: not installed/);
    await expect(selectBackend({ backend: 'cuda' as never })).rejects.toThrow(/unknown backend 'cuda'; expected one of: auto, tensorflow-gpu, tensorflow, webgpu, wasm, cpu/);
  });

  it('activates wasm and cpu for real', async () => {
    expect((await selectBackend({ backend: 'wasm' })).tfBackend).toBe('wasm');
    expect((await tf.add(tf.scalar(1), tf.scalar(2)).data())[0]).toBe(3);
    expect((await selectBackend({ backend: 'cpu' })).tfBackend).toBe('cpu');
  });
});
