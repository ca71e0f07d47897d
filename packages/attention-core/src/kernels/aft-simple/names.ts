/** tfjs kernel names. Inputs q, k, v [L, T, C]; outputs y [L, T, C] and the softmax statistics (see assembly/aft.ts). */
export const AFT_SIMPLE = 'AttentionZooAftSimple';
/** Inputs q, k, v, stats, dy; outputs dq, dk, dv. */
export const AFT_SIMPLE_GRAD = 'AttentionZooAftSimpleGrad';

export interface AftSimpleAttrs {
  causal: boolean;
}

/** Shape of the statistics: [L, 3, C] (max, denominator, ratio over all t), causal [L, T, 3, C] (per token). */
export function aftStatsShape(l: number, t: number, c: number, causal: boolean): number[] {
  return causal ? [l, t, 3, c] : [l, 3, c];
}
