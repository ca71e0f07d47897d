import type { HostTensor, WeightTransform } from '@attention-zoo/attention-core/weights';

/** Drops leading size-1 axes of an official parameter (`cls_token [1, 1, C]` → `[C]`, `pos_embed [1, N, C]` → `[N, C]`). */
export const squeezeTo =
  (rank: number): WeightTransform =>
  (t: HostTensor) => {
    const lead = t.shape.slice(0, Math.max(0, t.shape.length - rank));
    if (t.shape.length < rank || lead.some((s) => s !== 1)) throw new Error(`expected leading axes of size 1 before ${rank} axes, got [${t.shape.join(', ')}]`);
    return [{ ...t, shape: t.shape.slice(t.shape.length - rank) }];
  };
