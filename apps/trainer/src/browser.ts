// @attention-zoo/trainer/browser — the trainer's pieces that run in a browser (no node:fs, no
// tfjs-node): the models, the loss and the IDX reader. The demo's Train page builds the same
// small ViT `pnpm train` does, so a model trained there is one the Classifier page already knows.
export { smallVit } from './models/small-vit.js';
export type { SmallVitOptions } from './models/small-vit.js';
export { crossEntropy, correct } from './train/loss.js';
export { parseIdx, DatasetFileError } from './data/idx.js';
export { epochOrder } from './data/rng.js';
export type { IdxArray } from './data/idx.js';
