// PyTorch checkpoints (`torch.save` zip archives) read in TypeScript, without Python.
export { readTorchCheckpoint } from './read-torch-checkpoint.js';
export type { ReadTorchCheckpointOptions, TorchCheckpoint } from './read-torch-checkpoint.js';
export type { IgnoredEntry } from './state-dict-tree.js';
export type { UnknownClasses } from './torch-globals.js';
export type { TorchDtype } from './tensor-rebuild.js';
export { TorchCheckpointError } from '../../errors.js';
