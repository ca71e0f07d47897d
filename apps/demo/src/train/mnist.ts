// The slice of MNIST shipped with the demo (build/mnist-subset.ts emits it as data/*.idx),
// read with the trainer's IDX reader.
import { parseIdx } from '@attention-zoo/trainer/browser';

export interface Digits {
  /** `[n, 28, 28, 1]` grey levels in [0, 1] (0 = background), as `pnpm train` feeds the small ViT. */
  x: Float32Array;
  /** Labels 0..9. */
  y: Int32Array;
  n: number;
}

export interface MnistSlice {
  train: Digits;
  test: Digits;
}

/** Digits from the raw IDX bytes of an images file and its labels file. */
export function digitsFromIdx(images: Uint8Array, labels: Uint8Array, what: string): Digits {
  const img = parseIdx(images, `${what} images`);
  const lab = parseIdx(labels, `${what} labels`);
  if (img.shape.length !== 3 || img.shape[1] !== 28 || img.shape[2] !== 28) throw new Error(`${what} images: shape [${img.shape}], expected [n, 28, 28]`);
  if (lab.shape[0] !== img.shape[0]) throw new Error(`${what}: ${img.shape[0]} images but ${lab.shape[0]} labels`);
  const x = new Float32Array(img.data.length);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i]! / 255;
  return { x, y: Int32Array.from(lab.data), n: img.shape[0]! };
}

async function bytes(url: string, signal: AbortSignal): Promise<Uint8Array> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} (the build ships MNIST as data/*.idx; see apps/demo/build/mnist-subset.ts)`);
  return new Uint8Array(await res.arrayBuffer());
}

let cached: Promise<MnistSlice> | undefined;

/** The shipped slice, fetched once from the app's own origin (no network beyond it). */
export function loadMnistSlice(signal: AbortSignal): Promise<MnistSlice> {
  const at = (f: string) => new URL(`data/${f}`, document.baseURI).href;
  cached ??= (async () => {
    const [ti, tl, si, sl] = await Promise.all(['mnist-train-images.idx', 'mnist-train-labels.idx', 'mnist-test-images.idx', 'mnist-test-labels.idx'].map((f) => bytes(at(f), signal)));
    return { train: digitsFromIdx(ti!, tl!, 'MNIST train'), test: digitsFromIdx(si!, sl!, 'MNIST test') };
  })();
  cached.catch(() => (cached = undefined)); // a cancelled or failed fetch is retried next time
  return cached;
}
