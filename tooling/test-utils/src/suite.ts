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
  describe(label, () => {
    beforeAll(() => useBackend(backend.name));
    body();
  });
}
