// `pnpm --filter @attention-zoo/backends report`: which tfjs backends work on this machine, and why not.
import { formatProbes, probeBackends, releaseBackend } from './index.js';

const probes = await probeBackends();
console.log(`tfjs backends on this machine (fastest first):\n${formatProbes(probes)}`);
releaseBackend();
