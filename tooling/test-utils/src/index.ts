export { inCI, probeTestBackend, testBackends, useBackend, valuesOnCpu } from './backends.js';
export type { TestBackend } from './backends.js';
export { backendSuite } from './suite.js';
export { expectClose, maxAbsDiff } from './close.js';
export { readmeExamplesSuite } from './readme.js';
