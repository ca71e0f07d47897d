import { AttentionConfigError } from '@attention-zoo/attention-core';
import { NAMED_CONFIGS } from '../models/configs.js';
import { IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, type PreprocessOptions } from './preprocess.js';

/** The ImageNet evaluation transform a model's official code uses at 224×224. */
export interface EvalTransform extends Required<Omit<PreprocessOptions, 'scale'>> {
  /**
   * The filter of the official code. Always PIL bicubic for these models; `preprocessImageNet`
   * resizes bilinearly (tfjs has no bicubic resize; see the module notes in preprocess.ts).
   */
  interpolation: 'bicubic';
  /** Where the settings come from. */
  source: string;
}

const imagenet = { size: 224, mean: IMAGENET_DEFAULT_MEAN, std: IMAGENET_DEFAULT_STD, interpolation: 'bicubic' } as const;

/**
 * DeiT `datasets.py` `build_transform`: `Resize(int(224 / eval_crop_ratio))` (shorter side,
 * bicubic, `eval_crop_ratio` 0.875 → 256), `CenterCrop(224)`. PVT's `datasets.py` is the same code
 * (`int(256 / 224 * 224)`). timm's `default_cfg`s for deit/pvt_v2 say crop_pct 0.9 instead; the
 * official evaluations that produced the papers' accuracies used 0.875.
 */
const DEIT = { ...imagenet, cropPct: 0.875, resize: 'shorter-side', source: 'DeiT/PVT datasets.py: Resize(256) shorter side, bicubic, CenterCrop(224)' } as const;
/** Swin `data/build.py` with `TEST.CROP: True` (default): `Resize(int(256 / 224 · 224))` shorter side, bicubic, `CenterCrop(224)`. timm's swin cfg says 0.9. */
const SWIN = { ...imagenet, cropPct: 0.875, resize: 'shorter-side', source: 'Swin data/build.py (TEST.CROP): Resize(256) shorter side, bicubic, CenterCrop(224)' } as const;
/** CSwin `main.py` evaluates through timm's `create_loader` with `crop_pct` from `models/cswin.py` `_cfg` (.9): Resize(floor(224 / 0.9) = 248), bicubic, CenterCrop(224). */
const CSWIN = { ...imagenet, cropPct: 0.9, resize: 'shorter-side', source: 'CSwin main.py + models/cswin.py _cfg: crop_pct 0.9 (Resize(248) shorter side), bicubic' } as const;
/**
 * The FLatten repository evaluates every model (PVT, PVTv2, Swin, CSwin forms) with one Swin-derived
 * `data/build.py`, which resizes to a **square** `Resize((256, 256))` (aspect ratio not kept), bicubic,
 * then `CenterCrop(224)` — not its base model's transform.
 */
const FLATTEN = { ...imagenet, cropPct: 0.875, resize: 'square', source: 'FLatten data/build.py (TEST.CROP): Resize((256, 256)) square, bicubic, CenterCrop(224)' } as const;
/** No official code for FLatten-DeiT or the AFT-conv ViTs; both papers train and evaluate with DeiT's recipe. */
const DEIT_RECIPE = { ...DEIT, source: 'no official code: DeiT datasets.py, as the paper follows the DeiT recipe' } as const;

/** Each named model's transform (FLatten-* follow the FLatten repository's, not their base model's). */
const BY_MODEL: Record<string, EvalTransform> = {
  'deit-t': DEIT,
  'deit-s': DEIT,
  'pvt-t': DEIT,
  'pvt-s': DEIT,
  'pvtv2-b0': DEIT,
  'pvtv2-b1': DEIT,
  'swin-t': SWIN,
  'swin-s': SWIN,
  'cswin-t': CSWIN,
  'flatten-deit-t': DEIT_RECIPE,
  'flatten-deit-s': DEIT_RECIPE,
  'flatten-pvt-t': FLATTEN,
  'flatten-pvt-s': FLATTEN,
  'flatten-pvtv2-b0': FLATTEN,
  'flatten-pvtv2-b1': FLATTEN,
  'flatten-swin-t': FLATTEN,
  'flatten-swin-s': FLATTEN,
  'flatten-cswin-t': FLATTEN,
  'aft-conv-t-32-11': DEIT_RECIPE,
  'aft-conv-t-192-11': DEIT_RECIPE,
  'aft-conv-s-16-11': DEIT_RECIPE,
  'aft-conv-s-384-11': DEIT_RECIPE,
  'aft-conv-s-384-15': DEIT_RECIPE,
};

/**
 * The evaluation transform of a named model's official code (224×224), to pass to
 * `preprocessImageNet(images, evalTransform(name))`.
 */
export function evalTransform(modelName: string): EvalTransform {
  const t = BY_MODEL[modelName];
  if (!t || !NAMED_CONFIGS[modelName]) throw new AttentionConfigError(`evalTransform: unknown model '${modelName}'; known: ${Object.keys(NAMED_CONFIGS).join(', ')}`);
  return { ...t, mean: [...t.mean], std: [...t.std] };
}
