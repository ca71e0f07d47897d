import type { HostTensor, WeightTransform } from '@attention-zoo/attention-core/weights';

/**
 * Drops the leading size-1 axes of an official parameter: `scale` `[1, 1, C]` → `[C]`,
 * `positional_encoding` `[1, n, C]` → `[n, C]`. Anything else is reported, not reshaped.
 */
export const dropLeadingOnes =
  (rank: number): WeightTransform =>
  (t: HostTensor) => {
    const lead = t.shape.slice(0, t.shape.length - rank);
    if (t.shape.length < rank || lead.some((s) => s !== 1)) {
      throw new Error(`expected [${'1, '.repeat(Math.max(0, t.shape.length - rank))}…] with ${rank} trailing axes, got [${t.shape.join(', ')}]`);
    }
    return [{ ...t, shape: t.shape.slice(t.shape.length - rank) }];
  };
