import { beforeAll, describe, it } from 'vitest';
import { inCI, useBackend, type TestBackend } from './backends.js';

/**
 * `describe('<title> on <backend>')` for one backend. When the backend is not
 * available: locally the suite is skipped and the reason printed; in CI
 * (`CI=true`) a failing test says why, so a missing WebGPU never passes silently.
 */
export function backendSuite(title: string, backend: TestBackend, body: () => void): void {
  const label = `${title} on ${backend.name}`;
  if (!backend.available) {
    if (inCI) {
      describe(label, () => {
        it(`needs the ${backend.name} backend, which CI must provide`, () => {
          throw new Error(`${backend.name} is not available in CI: ${backend.reason}`);
        });
      });
    } else {
      console.warn(`[attention-zoo] skipping "${label}": ${backend.reason}`);
      describe.skip(label, body);
    }
    return;
  }
  // Software WebGPU (SwiftShader, as in CI) compiles every new pipeline and runs every shader on
  // the CPU: a check that is seconds on a GPU can take tens of seconds there on a loaded 2-core
  // machine. Only the time limit differs; what is checked does not.
  const timeout = backend.name === 'webgpu' ? 180_000 : undefined;
  describe(label, { timeout }, () => {
    beforeAll(() => useBackend(backend.name));
    body();
  });
}
