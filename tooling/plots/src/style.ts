/**
 * How the i-th series looks, the same in every chart of the trainer, the bench and the demo:
 * Tableau 10 colours (distinct hues, readable on white); past ten series the dash pattern and
 * the point shape change too, so thirty variants in one chart still tell apart.
 */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e'] as const;
/** Stroke dash arrays, one per round of ten series (`[]` is solid). */
export const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];
/** Vega point shapes, one per round of ten series. */
export const SHAPES = ['circle', 'square', 'triangle-up', 'diamond'] as const;

export interface SeriesStyle {
  color: string;
  dash: readonly number[];
  shape: (typeof SHAPES)[number];
}

/** The style of the i-th series: ten colours, then a new dash pattern and shape per ten. */
export function seriesStyle(i: number): SeriesStyle {
  const round = Math.floor(i / PALETTE.length);
  return { color: PALETTE[i % PALETTE.length]!, dash: DASHES[round % DASHES.length]!, shape: SHAPES[round % SHAPES.length]! };
}
