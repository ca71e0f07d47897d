import { defineConfig } from 'vitest/config';

// One run over every workspace project that has a vitest config.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'tooling/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
