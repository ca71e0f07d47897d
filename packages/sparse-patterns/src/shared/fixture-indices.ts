import type { FixtureCase } from '@attention-zoo/attention-core';

/** A 1-D or 2-D index tensor of a reference-fixture case (stored as F32) as integers. */
export const indices = (f: FixtureCase, name: string): number[] => Array.from(f.hostTensor(name).data, (x) => Math.round(x));
