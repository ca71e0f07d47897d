export {
  NODE_BACKENDS,
  BackendUnavailableError,
  formatChoice,
  formatProbes,
  isBackendName,
  probeBackends,
  releaseBackend,
  selectBackend,
} from './select.js';
export type { BackendChoice, BackendName, BackendProbe, SelectOptions } from './select.js';
