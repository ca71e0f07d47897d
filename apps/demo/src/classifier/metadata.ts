// The metadata file the trainer exports beside a tfjs layers model.

/**
 * `models/<id>/metadata.json`, next to `model.json` and its weight files:
 *
 * ```json
 * { "format": "attention-zoo-classifier", "version": 1, "task": "mnist",
 *   "attention": "flatten", "inputShape": [28, 28, 1],
 *   "classes": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] }
 * ```
 *
 * `inputShape` is the model's input without the batch axis: an image
 * `[H, W]` / `[H, W, 1]` / `[H·W]`, or patch tokens `[T, P²]` (square P×P
 * patches of the H×W image in row-major order, pixels row-major inside a
 * patch). Optional: `model` (default `model.json`), `pixelRange` (value of
 * black and of white, default `[0, 1]`), `image` (`[H, W]` of the image when
 * the input is patch tokens; default square), `grid` (`[h, w]` token grid of
 * the attention, when it cannot be read from the layer), `accuracy` (test
 * accuracy, shown), `notes`.
 */
export interface ClassifierMetadata {
  format: 'attention-zoo-classifier';
  version: 1;
  task: string;
  attention: string;
  inputShape: number[];
  classes: string[];
  model?: string;
  pixelRange?: [number, number];
  image?: [number, number];
  grid?: [number, number];
  accuracy?: number;
  notes?: string;
}

/** `models/index.json`: the model folders under `models/`. */
export interface ModelIndex {
  models: string[];
}

export class MetadataError extends Error {
  override name = 'MetadataError';
}

const isPosInts = (a: unknown, len?: number): a is number[] =>
  Array.isArray(a) && a.length > 0 && (len === undefined || a.length === len) && a.every((v) => Number.isInteger(v) && v > 0);

/**
 * `pnpm train export` writes `format: "attention-zoo-model"` (apps/trainer/src/commands/export.ts):
 * the same task, attention, inputShape and classes, with the test accuracy under `source`.
 * Its image tasks take grey levels in [0, 1], 0 = background, as the drawing does.
 */
function fromTrainerExport(m: Record<string, unknown>): Record<string, unknown> {
  const source = (m['source'] ?? {}) as { testAccuracy?: unknown };
  const { format: _f, source: _s, preprocessing, ...rest } = m;
  return {
    ...rest,
    format: 'attention-zoo-classifier',
    ...(typeof source.testAccuracy === 'number' ? { accuracy: source.testAccuracy } : {}),
    ...(typeof preprocessing === 'string' ? { notes: preprocessing } : {}),
  };
}

/** Checks a parsed metadata object; every error names the file and the key. */
export function parseMetadata(raw: unknown, where: string): ClassifierMetadata {
  const bad = (msg: string): never => {
    throw new MetadataError(`${where}: ${msg}`);
  };
  if (!raw || typeof raw !== 'object') bad('expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m['format'] === 'attention-zoo-model') return parseMetadata(fromTrainerExport(m), where);
  if (m['format'] !== 'attention-zoo-classifier') bad(`format must be "attention-zoo-classifier" (or the trainer's "attention-zoo-model"), got ${JSON.stringify(m['format'])}`);
  if (m['version'] !== 1) bad(`version must be 1, got ${JSON.stringify(m['version'])}`);
  for (const k of ['task', 'attention'] as const) if (typeof m[k] !== 'string' || !m[k]) bad(`${k} must be a non-empty string`);
  if (!isPosInts(m['inputShape'])) bad(`inputShape must be a list of positive integers (without the batch axis), got ${JSON.stringify(m['inputShape'])}`);
  const classes = m['classes'];
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string')) bad('classes must be a list of at least two strings');
  if (m['model'] !== undefined && (typeof m['model'] !== 'string' || !m['model'])) bad('model must be a file name');
  const pr = m['pixelRange'];
  if (pr !== undefined && !(Array.isArray(pr) && pr.length === 2 && pr.every((v) => typeof v === 'number' && Number.isFinite(v)) && pr[0] !== pr[1])) {
    bad(`pixelRange must be [black, white] with two different numbers, got ${JSON.stringify(pr)}`);
  }
  for (const k of ['image', 'grid'] as const) if (m[k] !== undefined && !isPosInts(m[k], 2)) bad(`${k} must be [height, width], got ${JSON.stringify(m[k])}`);
  const meta = m as unknown as ClassifierMetadata;
  imageLayout(meta); // validates the input shape against the image
  return meta;
}

export interface ImageLayout {
  /** Image height and width in pixels. */
  height: number;
  width: number;
  /** Patch side when the model takes patch tokens, else undefined. */
  patch?: number;
}

/** How the drawing maps onto the model's input. */
export function imageLayout(m: ClassifierMetadata): ImageLayout {
  const s = m.inputShape;
  const square = (n: number) => {
    const r = Math.round(Math.sqrt(n));
    return r * r === n ? r : null;
  };
  if (s.length === 3 && s[2] === 1) return { height: s[0]!, width: s[1]! };
  if (s.length === 1) {
    const [hh, ww] = m.image ?? [square(s[0]!), square(s[0]!)];
    if (!hh || !ww || hh * ww !== s[0]) throw new MetadataError(`inputShape [${s}] is a flat image but its side is unknown: add "image": [height, width]`);
    return { height: hh, width: ww };
  }
  if (s.length === 2) {
    if (!m.image) return { height: s[0]!, width: s[1]! };
    const [tokens, p2] = s as [number, number];
    const p = square(p2);
    const [hh, ww] = m.image;
    if (!p || hh % p || ww % p || (hh / p) * (ww / p) !== tokens) {
      throw new MetadataError(`inputShape [${s}] is not ${tokens} square patches of the ${hh}×${ww} image`);
    }
    return { height: hh, width: ww, patch: p };
  }
  throw new MetadataError(`inputShape [${s}] is not supported: use [H, W], [H, W, 1], [H·W] or patch tokens [T, P²] with "image"`);
}

/** Pixels (row-major, 0 = black … 1 = white) laid out as the model's input (without the batch axis). */
export function toModelInput(pixels: Float32Array, m: ClassifierMetadata): Float32Array {
  const { height, width, patch } = imageLayout(m);
  if (pixels.length !== height * width) throw new MetadataError(`expected ${height}×${width} pixels, got ${pixels.length}`);
  const [black, white] = m.pixelRange ?? [0, 1];
  const scaled = pixels.map((v) => black + v * (white - black));
  if (!patch) return scaled;
  const out = new Float32Array(scaled.length);
  const gw = width / patch;
  let o = 0;
  for (let t = 0; t < (height / patch) * gw; t++) {
    const r0 = Math.floor(t / gw) * patch;
    const c0 = (t % gw) * patch;
    for (let y = 0; y < patch; y++) for (let x = 0; x < patch; x++) out[o++] = scaled[(r0 + y) * width + c0 + x]!;
  }
  return out;
}
