// Drawing matrices and token maps on canvases.

/** Viridis-like ramp (5 stops of matplotlib's viridis, linearly interpolated) for t in [0, 1]. */
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}

export interface GridImage {
  rows: number;
  cols: number;
  /** Row-major values. */
  values: ArrayLike<number>;
}

/**
 * Paints `img` onto `canvas` (cell = `cell` px), colour-scaled to [0, max]
 * (max of the values unless given), with optional highlighted cell.
 */
export function paintGrid(
  canvas: HTMLCanvasElement,
  img: GridImage,
  opts: { cell: number; max?: number; highlight?: number; ramp?: (t: number) => [number, number, number] } = { cell: 8 },
): void {
  const { rows, cols, values } = img;
  const cell = opts.cell;
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext('2d')!;
  let max = opts.max ?? 0;
  if (opts.max === undefined) for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  const ramp = opts.ramp ?? viridis;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [R, G, B] = ramp(max > 0 ? values[r * cols + c]! / max : 0);
      ctx.fillStyle = `rgb(${R},${G},${B})`;
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  if (opts.highlight !== undefined && opts.highlight >= 0) {
    const r = Math.floor(opts.highlight / cols);
    const c = opts.highlight % cols;
    ctx.strokeStyle = '#ff3b30';
    ctx.lineWidth = Math.max(2, cell / 6);
    ctx.strokeRect(c * cell + 1, r * cell + 1, cell - 2, cell - 2);
  }
}

/** Grey ramp for images (0 = black, 1 = white). */
export const grey = (t: number): [number, number, number] => {
  const v = Math.round(255 * Math.min(1, Math.max(0, t)));
  return [v, v, v];
};
