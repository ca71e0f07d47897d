import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '@attention-zoo/backends';

export interface TestBackend {
  name: BackendName;
  available: boolean;
  /** Why it is not available (empty when it is). */
  reason: string;
}

/** True in CI, where every backend test must run: a skip there is a failure. */
export const inCI = /^(1|true)$/i.test(process.env['CI'] ?? '');

const cache = new Map<BackendName, Promise<TestBackend>>();

/** Whether `name` can be activated in this process (probed once per process). */
export function probeTestBackend(name: BackendName): Promise<TestBackend> {
  let p = cache.get(name);
  if (!p) {
    const previous = tf.getBackend();
    p = selectBackend({ backend: name })
      .then(() => ({ name, available: true, reason: '' }))
      .catch((err: Error) => ({ name, available: false, reason: err.message }))
      .finally(async () => {
        if (previous && previous !== name) await tf.setBackend(previous);
      });
    cache.set(name, p);
  }
  return p;
}

/**
 * The backends a test file runs on. `ATTENTION_ZOO_TEST_BACKENDS=cpu` narrows
 * the list locally. A backend that is not available here is returned with its
 * reason; `backendSuite` turns that into a skip with a message locally and a
 * failure in CI.
 */
export async function testBackends(wanted: BackendName[] = ['cpu', 'webgpu']): Promise<TestBackend[]> {
  const only = process.env['ATTENTION_ZOO_TEST_BACKENDS']?.split(',').map((s) => s.trim()).filter(Boolean);
  const names = only && !inCI ? wanted.filter((n) => only.includes(n)) : wanted;
  const out: TestBackend[] = [];
  for (const n of names) out.push(await probeTestBackend(n));
  return out;
}

/** Activates a backend for the tests that follow (call from `beforeAll`). */
export async function useBackend(name: BackendName): Promise<void> {
  if (tf.getBackend() !== (name === 'tensorflow-gpu' ? 'tensorflow' : name)) await selectBackend({ backend: name });
}

/**
 * Runs `f` on the cpu backend and returns its tensors' values, then switches back:
 * the reference for checking another backend's path (wasm's loops, webgpu's kernels)
 * against tf's own ops with their gradients.
 */
export async function valuesOnCpu(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await useBackend('cpu');
  const out = await Promise.all(tf.tidy(f).map(async (t) => { const d = (await t.data()) as Float32Array; t.dispose(); return d; }));
  await tf.setBackend(previous);
  return out;
}
