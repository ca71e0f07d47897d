import { defaultClientConditions, defineConfig } from 'vite';
import { mnistSubset } from './build/mnist-subset.js';

// Workspace packages resolve to their TypeScript sources (the
// `@attention-zoo/source` export condition), in dev and in the build, so the
// demo never needs the libraries built first.
export default defineConfig({
  base: './',
  plugins: [mnistSubset()],
  resolve: { conditions: ['@attention-zoo/source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
