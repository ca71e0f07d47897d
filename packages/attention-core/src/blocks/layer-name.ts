// One default-name rule for every non-variant layer: tfjs would derive the default name from
// the className, whose '>' (as in 'AttentionZoo>PositionEmbedding') is not valid in weight names.
const nameCounts = new Map<string, number>();

/** `base` for the first layer of a kind, then `base_1`, `base_2`, … (one counter per base). */
export function defaultLayerName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}
