// Plain JavaScript on purpose: vitest loads config files with Node's own
// module resolution, before any TypeScript source condition applies.
import { defineProject } from 'vitest/config';

/**
 * The vitest project config of every workspace package: workspace packages
 * resolve to their TypeScript sources (the `@attention-zoo/source` export
 * condition), tests run in forked processes (Dawn's native binding and the
 * wasm backend are happiest there), and numerical tests get time. WebGPU needs
 * no setup: without a hardware adapter the backend module falls back to
 * Chromium's SwiftShader (see @attention-zoo/backends).
 * @param {string} name
 * @param {import('vitest/config').UserWorkspaceConfig['test']} [overrides]
 */
export function attentionZooProject(name, overrides = {}) {
  return defineProject({
    resolve: { conditions: ['@attention-zoo/source'] },
    ssr: { resolve: { conditions: ['@attention-zoo/source'], externalConditions: ['@attention-zoo/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });
}
