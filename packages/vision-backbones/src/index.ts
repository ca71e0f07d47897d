// @attention-zoo/vision-backbones — DeiT (Touvron et al. 2021), PVT v1/v2 (Wang et al. 2021, 2022),
// Swin (Liu et al. 2021) and CSwin (Dong et al. 2022) with any registered attention; FLatten and AFT
// configurations. Swin's window attention and CSwin's cross-shaped windows are registered variants.
import '@attention-zoo/flatten'; // registers the FLatten forms the FLatten-* configurations use
import '@attention-zoo/aft'; // registers aft-conv (the AFT-conv ViT)
import '@attention-zoo/linformer'; // registers spatial-reduction (PVT's attention)
export { SWIN_PAPER, CSWIN_PAPER } from './paper.js';

// The papers' own attentions, registered as `swin-window` and `cswin-lepe`
export * from './swin-window/index.js';
export * from './cswin-lepe/index.js';

// Backbones, their blocks and ops
export { Backbone } from './core/backbone.js';
export type { BackboneBaseConfig, BackboneLoadReport, FlopTerm, LoadTorchOptions, PositionEmbeddingGeometry, StageBlock, StageBlockSpec } from './core/backbone.js';
export { createStageAttention } from './core/stage-attention.js';
export type { AttentionChoice, StageGeometry } from './core/stage-attention.js';
export { conv2dTorch, convOut } from './core/conv.js';
export { ConvFfnBlock, convFfnBlock } from './blocks/conv-ffn-block.js';
export type { ConvFfnBlockConfig } from './blocks/conv-ffn-block.js';
export { patchMergeGather } from './models/patch-merging.js';

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
import './models/fixtures.js';

// Pretrained weights: checkpoints in official or timm names, resized to the model's geometry
export { readCheckpoint } from './weights/read-checkpoint.js';
export type { Checkpoint } from './weights/read-checkpoint.js';
export type { TorchNaming } from './weights/naming.js';
export { TIMM_PVT_V2, TIMM_SWIN } from './weights/timm-names.js';
export { resamplePosEmbed, resizeRelativePositionBiasTable } from './weights/resize.js';
export { interpolate2d } from './weights/interpolate.js';
export type { InterpolateOptions, InterpolationMode } from './weights/interpolate.js';
export { tfjsModelArtifacts } from './weights/tfjs-model.js'; // the whole-model fixture cases (`pnpm fixtures`)

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
