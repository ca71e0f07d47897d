import { attentionZooProject } from '@attention-zoo/vitest-config';

// Unit tests (Node, cpu backend) and the browser tests (test/browser/*.test.ts:
// build the app, serve it, drive Debian's Chromium with playwright-core).
export default attentionZooProject('demo', { testTimeout: 240_000, hookTimeout: 240_000 });
