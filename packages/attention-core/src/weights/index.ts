// @attention-zoo/attention-core/weights — reading and writing weights: safetensors, and
// PyTorch state_dicts mapped onto layer weights by path.
export { readSafetensors, writeSafetensors, hostToTensor } from './safetensors.js';
export type { HostTensor, ReadSafetensorsOptions, SafetensorsDtype, SafetensorsFile } from './safetensors.js';
export { loadStateDict, nestKeyMap, torch } from './state-dict.js';
export type {
  KeyMapEntry,
  LoadStateDictOptions,
  LoadStateDictReport,
  StateDictKeyMap,
  WeightTransform,
  WeightsByPath,
} from './state-dict.js';
export { softmaxKeyMaps } from '../softmax/torch-keys.js';
export { timmBlockKeyMap } from '../blocks/state-dict-maps.js';
export { readTorchCheckpoint } from './torch-checkpoint/index.js';
export type { IgnoredEntry, ReadTorchCheckpointOptions, TorchCheckpoint, TorchDtype, UnknownClasses } from './torch-checkpoint/index.js';
