// Plain JavaScript on purpose: vitest loads config files with Node's own
// module resolution, before any TypeScript source condition applies.
import { existsSync } from 'node:fs';
import { defineProject } from 'vitest/config';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Without a GPU, Debian's Chromium ships the SwiftShader Vulkan driver; pointing
 * the Vulkan loader at it gives Dawn (and so tfjs-webgpu) a software adapter.
 * Only when the user has not chosen a driver already.
 * @returns {Record<string, string>}
 */
export function softwareVulkanEnv() {
  const env = {};
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';
  return env;
}

/**
 * The vitest project config of every workspace package: workspace packages
 * resolve to their TypeScript sources (the `@attention-zoo/source` export
 * condition), tests run in forked processes (Dawn's native binding and the
 * wasm backend are happiest there), and numerical tests get time.
 * @param {string} name
 * @param {import('vitest/config').UserWorkspaceConfig['test']} [overrides]
 */
export function attentionZooProject(name, overrides = {}) {
  Object.assign(process.env, softwareVulkanEnv());
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
