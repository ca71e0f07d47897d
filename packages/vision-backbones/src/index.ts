// @attention-zoo/vision-backbones — DeiT, PVT v1/v2, Swin, CSwin with pluggable attention; FLatten and AFT configurations.
import '@attention-zoo/flatten'; // registers the FLatten forms the FLatten-* configurations use
import '@attention-zoo/aft'; // registers aft-conv (the AFT-conv ViT)

export { Backbone, nestKeyMap } from './core/backbone.js';
export type { BackboneBaseConfig, FlopTerm, PathLayer } from './core/backbone.js';
export { createStageAttention, attentionTorchKeyMap, NATIVE_ATTENTIONS } from './core/stage-attention.js';
export type { AttentionChoice, NativeAttentionName, StageGeometry } from './core/stage-attention.js';

// The papers' own attentions
export { PvtAttention } from './attention/spatial-reduction.js';
export type { PvtAttentionConfig } from './attention/spatial-reduction.js';
export { SwinWindowAttention, relativePositionIndex, shiftedWindowMask } from './attention/window-attention.js';
export type { SwinWindowAttentionConfig } from './attention/window-attention.js';
export { CSwinAttention } from './attention/cswin-attention.js';
export type { CSwinAttentionConfig } from './attention/cswin-attention.js';

// Blocks and ops
export { ConvFfnBlock } from './blocks/conv-ffn-block.js';
export type { ConvFfnBlockConfig } from './blocks/conv-ffn-block.js';
export { patchMergeGather } from './ops/patch-merging.js';
export { stripePartition, stripeReverse } from './ops/stripes.js';
export { conv2dTorch, convOut } from './ops/conv.js';

// Models
export { Pvt } from './models/pvt.js';
export type { PvtConfig } from './models/pvt.js';
export { Swin } from './models/swin.js';
export type { SwinConfig } from './models/swin.js';
export { CSwin } from './models/cswin.js';
export type { CSwinConfig } from './models/cswin.js';
export { DeiT } from './models/deit.js';
export type { DeiTConfig } from './models/deit.js';
export { NAMED_CONFIGS } from './models/configs.js';
export type { NamedConfig, OfficialCount, Reported } from './models/configs.js';
export { modelStats } from './stats/model-stats.js';
export type { ModelStats } from './stats/model-stats.js';
export { createBackbone, listBackbones } from './models/create.js';
export type { CreateBackboneOptions } from './models/create.js';

// ImageNet pre-processing and decoding
export {
  preprocessImageNet,
  resize,
  resizeShorterSide,
  centerCrop,
  normalizeImageNet,
  checkImageValues,
  pixelScale,
  IMAGENET_DEFAULT_MEAN,
  IMAGENET_DEFAULT_STD,
  DEFAULT_CROP_PCT,
} from './imagenet/preprocess.js';
export type { ImageTensor, PixelScale, NormalizeOptions, PreprocessOptions } from './imagenet/preprocess.js';
export { evalTransform } from './imagenet/eval-transform.js';
export type { EvalTransform } from './imagenet/eval-transform.js';
export { IMAGENET_CLASSES } from './imagenet/classes.js';
export { topKClasses } from './imagenet/top-k.js';
export type { ClassScore, TopKOptions } from './imagenet/top-k.js';
