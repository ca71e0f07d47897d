import { createBackbone } from '../models/create.js';
import { NAMED_CONFIGS, type OfficialCount, type Reported } from '../models/configs.js';

/** A named model's size at 224×224 next to its official code's count and its paper's figures. */
export interface ModelStats {
  name: string;
  /** Parameters of the built model (weights only, no forward pass). */
  params: number;
  /** Forward multiply-accumulates at 224×224, batch 1 (fvcore convention). */
  flops: number;
  official: OfficialCount | null;
  reported: Reported;
  /** (ours − official) / official, or null without an official count. */
  deltaOfficial: number | null;
  /** (ours − published) / published for parameters, or null without a figure. */
  deltaReported: number | null;
  /** (ours − published) / published for FLOPs, or null without a figure. */
  deltaFlops: number | null;
}

const delta = (ours: number, ref: number | null | undefined) => (ref == null ? null : (ours - ref) / ref);

/** Builds the named model (weights only), counts it, disposes it. */
export function modelStats(name: string): ModelStats {
  const named = NAMED_CONFIGS[name];
  const model = createBackbone(name);
  try {
    const params = model.parameterCount();
    const flops = model.flops();
    const official = named?.official ?? null;
    const reported = named!.reported;
    return {
      name,
      params,
      flops,
      official,
      reported,
      deltaOfficial: delta(params / 1e6, official?.params),
      deltaReported: delta(params / 1e6, reported.params),
      deltaFlops: delta(flops / 1e9, reported.flops),
    };
  } finally {
    model.dispose();
  }
}
