import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, AttentionInputError } from '@attention-zoo/attention-core';

/**
 * ImageNet evaluation pre-processing on image tensors, as timm / torchvision do it:
 * resize → centre crop → ToTensor (÷255) → Normalize((x − mean) / std).
 *
 * **Images** are NHWC: `[H, W, 3]` or `[batch, H, W, 3]`, RGB.
 * - `int32` tensors hold 0–255 pixels (what `tf.browser.fromPixels` and image decoders give);
 * - `float32` tensors hold values already in [0, 1].
 * The scale follows from the dtype; pass `scale: 255` for float32 tensors of 0–255 pixels (or
 * `scale: 1` for int32 tensors of 0/1 values). Every function returns a new tensor and leaves
 * nothing else behind (tf.tidy); the input is not disposed.
 *
 * **Interpolation.** The official code of every model here resizes with PIL's bicubic filter
 * (torchvision `Resize(interpolation=BICUBIC)`). tfjs has only bilinear and nearest-neighbour
 * resizing, so this module resizes bilinearly with half-pixel centres (`halfPixelCenters: true`,
 * the sampling grid of PyTorch's `align_corners=False`). Two differences remain: the kernel
 * (bilinear, not bicubic), and antialiasing — PIL widens its filter when it shrinks an image, tfjs
 * samples only the 2×2 nearest pixels, so a photo shrunk by much more than 2× aliases. For large
 * photos, shrink them first with a filtering resize (e.g. `createImageBitmap(img, { resizeWidth,
 * resizeHeight, resizeQuality: 'high' })` in a browser) to about the resize size. PIL also rounds
 * the resized image to uint8; here it stays float. The effect of these differences on a
 * checkpoint's ImageNet accuracy has not been measured in this package.
 */

/** timm `IMAGENET_DEFAULT_MEAN` (timm/data/constants.py): RGB mean of ImageNet-1k in [0, 1]. */
export const IMAGENET_DEFAULT_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** timm `IMAGENET_DEFAULT_STD` (timm/data/constants.py): RGB standard deviation of ImageNet-1k in [0, 1]. */
export const IMAGENET_DEFAULT_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];
/** timm `DEFAULT_CROP_PCT`: resize to size / 0.875 (256 for 224), then crop the centre. */
export const DEFAULT_CROP_PCT = 0.875;

export type ImageTensor = tf.Tensor3D | tf.Tensor4D;
/** 255: pixels are 0–255; 1: values are in [0, 1]. */
export type PixelScale = 255 | 1;

export interface NormalizeOptions {
  /** Per-channel mean in [0, 1] units. Default {@link IMAGENET_DEFAULT_MEAN}. */
  mean?: readonly number[];
  /** Per-channel standard deviation in [0, 1] units. Default {@link IMAGENET_DEFAULT_STD}. */
  std?: readonly number[];
  /** Pixel scale of the input; default 255 for int32 tensors, 1 for float32. */
  scale?: PixelScale;
}

export interface PreprocessOptions extends NormalizeOptions {
  /** Side of the square crop the model sees. Default 224. */
  size?: number;
  /** Fraction of the resized image the crop keeps: the image is first resized to floor(size / cropPct). Default 0.875. */
  cropPct?: number;
  /**
   * `'shorter-side'` (default): the shorter side becomes floor(size / cropPct), keeping the aspect
   * ratio (torchvision `Resize(int)`, timm, DeiT, PVT, Swin, CSwin). `'square'`: both sides become
   * floor(size / cropPct), ignoring the aspect ratio (torchvision `Resize((s, s))`, the FLatten
   * repository's evaluation).
   */
  resize?: 'shorter-side' | 'square';
}

function shapeOf(images: tf.Tensor, what: string): { batched: boolean; h: number; w: number } {
  if (!(images instanceof tf.Tensor)) throw new AttentionInputError(`${what}: images must be a tf.Tensor, got ${typeof images}`);
  const s = images.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new AttentionInputError(`${what}: images must be [H, W, 3] or [batch, H, W, 3] (NHWC), got shape [${s.join(', ')}]`);
  }
  const c = s[s.length - 1]!;
  if (c !== 3) {
    throw new AttentionInputError(
      `${what}: images must have 3 (RGB) channels in the last axis (NHWC), got ${c} in shape [${s.join(', ')}]` +
        (c === 4 ? '; drop alpha with tf.browser.fromPixels(img, 3) or tf.slice(images, 0, [..., 3])' : ''),
    );
  }
  const h = s[s.length - 3]!;
  const w = s[s.length - 2]!;
  if (h < 1 || w < 1) throw new AttentionInputError(`${what}: images are empty (shape [${s.join(', ')}])`);
  if (images.dtype !== 'int32' && images.dtype !== 'float32') {
    throw new AttentionInputError(`${what}: images must be int32 (0–255 pixels) or float32, got dtype ${images.dtype}`);
  }
  return { batched: s.length === 4, h, w };
}

function positiveInt(n: number, name: string, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new AttentionConfigError(`${what}: ${name} must be a positive integer, got ${n}`);
}

/** The pixel scale of `images`: `scale` when given (checked), else 255 for int32 and 1 for float32. */
export function pixelScale(images: tf.Tensor, scale?: PixelScale): PixelScale {
  if (scale === undefined) return images.dtype === 'int32' ? 255 : 1;
  if (scale !== 255 && scale !== 1) throw new AttentionConfigError(`scale must be 255 (0–255 pixels) or 1 (values in [0, 1]), got ${String(scale)}`);
  return scale;
}

/**
 * Bilinear resize to `[height, width]` with half-pixel centres (PyTorch `align_corners=False`);
 * float32 out, same scale as the input, same rank.
 */
export function resize<T extends ImageTensor>(images: T, height: number, width: number): T {
  shapeOf(images, 'resize');
  positiveInt(height, 'height', 'resize');
  positiveInt(width, 'width', 'resize');
  return tf.tidy(() => tf.image.resizeBilinear(tf.cast(images, 'float32') as T, [height, width], false, true));
}

/**
 * Resizes so that the shorter side is `size`, keeping the aspect ratio, as torchvision's
 * `Resize(size)`: the longer side becomes floor(size · long / short). float32 out, same scale as
 * the input.
 */
export function resizeShorterSide<T extends ImageTensor>(images: T, size: number): T {
  const { h, w } = shapeOf(images, 'resizeShorterSide');
  positiveInt(size, 'size', 'resizeShorterSide');
  const [short, long] = h <= w ? [h, w] : [w, h];
  const other = Math.floor((size * long) / short); // torchvision: int(size * long / short)
  return h <= w ? resize(images, size, other) : resize(images, other, size);
}

/** Python's round(): halves go to the even neighbour (torchvision's crop offsets use it). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d !== 0.5) return Math.round(x);
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The centre `height × width` window, at torchvision's offsets: top = round((H − height) / 2),
 * left = round((W − width) / 2), Python rounding (half to even). Keeps the dtype.
 */
export function centerCrop<T extends ImageTensor>(images: T, height: number, width: number): T {
  const { batched, h, w } = shapeOf(images, 'centerCrop');
  positiveInt(height, 'height', 'centerCrop');
  positiveInt(width, 'width', 'centerCrop');
  if (height > h || width > w) {
    throw new AttentionInputError(`centerCrop: the crop ${height}×${width} is larger than the image ${h}×${w}; resize first (e.g. resizeShorterSide)`);
  }
  const top = roundHalfEven((h - height) / 2);
  const left = roundHalfEven((w - width) / 2);
  return (batched ? tf.slice(images, [0, top, left, 0], [-1, height, width, 3]) : tf.slice(images, [top, left, 0], [height, width, 3])) as T;
}

function channelTriple(v: readonly number[], name: string, positive: boolean): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) {
    throw new AttentionConfigError(`normalizeImageNet: ${name} must be 3 finite numbers${positive ? ' > 0' : ''} (R, G, B in [0, 1] units), got ${JSON.stringify(v)}`);
  }
  return [v[0]!, v[1]!, v[2]!];
}

function normalizeParams(images: tf.Tensor, options: NormalizeOptions): { mean: number[]; std: number[]; scale: PixelScale } {
  return {
    mean: channelTriple(options.mean ?? IMAGENET_DEFAULT_MEAN, 'mean', false),
    std: channelTriple(options.std ?? IMAGENET_DEFAULT_STD, 'std', true),
    scale: pixelScale(images, options.scale),
  };
}

/**
 * (x / scale − mean) / std per channel (torchvision ToTensor then Normalize), float32 out.
 * With the defaults an int32 pixel v becomes (v/255 − 0.485)/0.229 in the red channel.
 */
export function normalizeImageNet<T extends ImageTensor>(images: T, options: NormalizeOptions = {}): T {
  shapeOf(images, 'normalizeImageNet');
  const { mean, std, scale } = normalizeParams(images, options);
  return tf.tidy(() => {
    const x = tf.div(tf.cast(images, 'float32'), scale); // ToTensor: [0, 1]
    return tf.div(tf.sub(x, tf.tensor1d(mean)), tf.tensor1d(std)) as T; // Normalize, broadcast over the channel axis
  });
}

/**
 * Checks that every value is finite and within [0, scale] (reads back three numbers; await it).
 * A float32 image of 0–255 pixels with the default scale 1 fails here with a hint to pass
 * `scale: 255`.
 */
export async function checkImageValues(images: ImageTensor, scale?: PixelScale): Promise<void> {
  shapeOf(images, 'checkImageValues');
  const s = pixelScale(images, scale);
  const stats = tf.tidy(() => {
    const x = tf.cast(images, 'float32');
    return tf.stack([tf.min(x), tf.max(x), tf.sum(x)]); // the sum is non-finite iff some value is NaN or ±Inf
  });
  const [lo, hi, sum] = Array.from(await stats.data());
  stats.dispose();
  if (!Number.isFinite(sum!)) throw new AttentionInputError('images contain NaN or ±Inf values');
  if (lo! < 0 || hi! > s) {
    const hint = s === 1 && hi! <= 255 ? '; for float32 pixels in 0–255 pass scale: 255' : '';
    throw new AttentionInputError(`images must be within [0, ${s}] for scale ${s} (${images.dtype}), found values in [${lo}, ${hi}]${hint}`);
  }
}

/**
 * timm's ImageNet evaluation transform on image tensors: resize to floor(size / cropPct) (shorter
 * side, or both sides with `resize: 'square'`), centre-crop size × size, ÷ scale, normalise.
 * Returns `[batch, size, size, 3]` float32 (a single `[H, W, 3]` image becomes batch 1), ready for
 * a backbone. Checks the values first (finite, within [0, scale]), hence async.
 * Use `evalTransform(modelName)` for the settings a model's official code evaluates with.
 */
export async function preprocessImageNet(images: ImageTensor, options: PreprocessOptions = {}): Promise<tf.Tensor4D> {
  shapeOf(images, 'preprocessImageNet');
  const size = options.size ?? 224;
  const cropPct = options.cropPct ?? DEFAULT_CROP_PCT;
  const mode = options.resize ?? 'shorter-side';
  positiveInt(size, 'size', 'preprocessImageNet');
  if (typeof cropPct !== 'number' || !(cropPct > 0 && cropPct <= 1)) {
    throw new AttentionConfigError(`preprocessImageNet: cropPct must be in (0, 1] (the crop's share of the resized image; timm's default is 0.875), got ${cropPct}`);
  }
  if (mode !== 'shorter-side' && mode !== 'square') throw new AttentionConfigError(`preprocessImageNet: resize must be 'shorter-side' or 'square', got '${String(mode)}'`);
  const normalize = normalizeParams(images, options); // option errors before any work
  await checkImageValues(images, normalize.scale);
  const scaleSize = Math.floor(size / cropPct); // timm: math.floor(img_size / crop_pct)
  return tf.tidy(() => {
    const batch = (images.rank === 3 ? tf.expandDims(images, 0) : images) as tf.Tensor4D;
    const resized = mode === 'square' ? resize(batch, scaleSize, scaleSize) : resizeShorterSide(batch, scaleSize);
    return normalizeImageNet(centerCrop(resized, size, size), normalize);
  });
}
