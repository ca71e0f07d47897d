/**
 * LRA Pathfinder-32 (Tay et al. 2021, after Linsley et al. 2018): a 32×32 image with two
 * round markers and several curved dashed paths; the label says whether one path joins
 * the two markers. The model sees the 1,024 pixels as tokens, row by row. Generated here
 * following the generator's description (the LRA data set is not downloaded):
 *
 * - a path is a chain of short straight dashes (2 px drawn, 1 px gap) from a random start;
 *   each dash turns by at most ±π/6 from the last (the "contour" of Linsley et al.), and a
 *   path that leaves the canvas is drawn again;
 * - `paths` paths per image (the target and distractors);
 * - positive: the markers sit on the two ends of one path; negative: on one end of each of
 *   two different paths (the same pixels and path statistics, only the connection differs);
 * - labels are balanced (every other example positive, in a shuffled order).
 */
import { Rng } from '../data/rng.js';
import { maskedSequenceClassifier } from '../models/masked-sequence-classifier.js';
import { limit, type Examples, type TaskSpec } from './task.js';

export interface PathfinderOptions {
  /** Image side; LRA's Pathfinder-32 uses 32. */
  side: number;
  /** Paths per image (one or two carry the markers, the rest are distractors). */
  paths: number;
  /** Dashes per path. */
  dashes: number;
}

export const PATHFINDER_32: PathfinderOptions = { side: 32, paths: 4, dashes: 6 };

type Point = [number, number];

function drawSegment(img: Float32Array, side: number, a: Point, b: Point): void {
  const steps = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) * 2) + 1;
  for (let i = 0; i <= steps; i++) {
    const [x, y] = [a[0] + ((b[0] - a[0]) * i) / steps, a[1] + ((b[1] - a[1]) * i) / steps];
    const [px, py] = [Math.round(x), Math.round(y)];
    if (px >= 0 && py >= 0 && px < side && py < side) img[py * side + px] = 1;
  }
}

function drawMarker(img: Float32Array, side: number, [cx, cy]: Point): void {
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const [x, y] = [Math.round(cx) + dx, Math.round(cy) + dy];
      if (x >= 0 && y >= 0 && x < side && y < side) img[y * side + x] = 1;
    }
  }
}

/** One path's dashes, inside the canvas with a 2-px margin; its two ends. */
function path(rng: Rng, o: PathfinderOptions): { dashes: [Point, Point][]; ends: [Point, Point] } {
  const inside = ([x, y]: Point) => x >= 2 && y >= 2 && x <= o.side - 3 && y <= o.side - 3;
  for (;;) {
    let p: Point = [2 + rng.next() * (o.side - 5), 2 + rng.next() * (o.side - 5)];
    let heading = rng.next() * 2 * Math.PI;
    const start = p;
    const dashes: [Point, Point][] = [];
    let ok = true;
    for (let i = 0; i < o.dashes && ok; i++) {
      heading += (rng.next() * 2 - 1) * (Math.PI / 6);
      const end: Point = [p[0] + 2 * Math.cos(heading), p[1] + 2 * Math.sin(heading)];
      const next: Point = [p[0] + 3 * Math.cos(heading), p[1] + 3 * Math.sin(heading)];
      if (!inside(end) || !inside(next)) ok = false;
      dashes.push([p, end]);
      p = next;
    }
    if (ok) return { dashes, ends: [start, dashes[dashes.length - 1]![1]] };
  }
}

/** `count` images as pixel tokens (id = 1 + round(255·intensity), so no pixel is the pad id 0) and labels. */
export function generatePathfinder(count: number, seed: number, o: PathfinderOptions = PATHFINDER_32): Examples {
  if (o.paths < 2) throw new Error(`pathfinder: need at least 2 paths (a negative joins the ends of two), got ${o.paths}`);
  const rng = new Rng(seed);
  const n = o.side * o.side;
  const x = new Int32Array(count * n);
  const y = new Int32Array(count);
  const labels = rng.shuffle(Array.from({ length: count }, (_, i) => i % 2));
  for (let i = 0; i < count; i++) {
    const img = new Float32Array(n);
    const ps = Array.from({ length: o.paths }, () => path(rng, o));
    for (const p of ps) for (const [a, b] of p.dashes) drawSegment(img, o.side, a, b);
    const positive = labels[i] === 1;
    const markers: Point[] = positive ? ps[0]!.ends : [ps[0]!.ends[0], ps[1]!.ends[rng.int(0, 1)]];
    for (const m of markers) drawMarker(img, o.side, m);
    for (let j = 0; j < n; j++) x[i * n + j] = 1 + Math.round(255 * img[j]!);
    y[i] = positive ? 1 : 0;
  }
  return { x, y, n: count };
}

const SIZES = { train: 2000, validation: 200, test: 200 };

/** Default budget: 2,000 / 200 / 200 images (LRA: 160k / 20k / 20k), 1 epoch. */
export const PATHFINDER_TASK: TaskSpec = {
  name: 'pathfinder',
  summary: 'LRA Pathfinder-32: are the two markers joined by a path? 1,024 pixels as tokens, generated; 2 classes',
  model: 'Transformer over pixel tokens: embedding, learned positions, pre-norm encoder (grid 32×32 for grid variants), mean pooling, linear head',
  causal: false,
  keyPaddingMask: true,
  defaults: { epochs: 1, batchSize: 8, learningRate: 5e-4, warmupSteps: 50, evalEvery: 100, checkpointEvery: 100 },
  async prepare(c) {
    const o = PATHFINDER_32;
    const tokens = o.side * o.side;
    // A limit draws only that many images (a smaller balanced draw, not a prefix of the full split).
    const draw = (n: number, max: number, seed: number) => limit(generatePathfinder(max ? Math.min(n, max) : n, seed, o), max);
    return {
      train: draw(SIZES.train, c.data.trainLimit, c.seed * 3 + 1),
      validation: draw(SIZES.validation, c.data.validationLimit, c.seed * 3 + 2),
      test: draw(SIZES.test, c.data.testLimit, c.seed * 3 + 3),
      inputShape: [tokens],
      inputDtype: 'int32',
      classes: ['apart', 'joined'],
      preprocessing: `pixel ids 1 + round(255·intensity), row-major, ${tokens} tokens`,
      describe: `Pathfinder-${o.side}, ${o.paths} paths of ${o.dashes} dashes; ${SIZES.train}/${SIZES.validation}/${SIZES.test} images, seed ${c.seed}`,
      buildModel: (e) => maskedSequenceClassifier({ ...e, tokens, vocab: 257, classes: 2, pool: 'mean', grid: [o.side, o.side] }),
    };
  },
};
