import type { CSwinConfig } from './cswin.js';
import type { DeiTConfig } from './deit.js';
import type { PvtConfig } from './pvt.js';
import type { SwinConfig } from './swin.js';

/** What a paper (or the official repository's README) reports for a model at 224×224. */
export interface Reported {
  /** Parameters, millions, or null where no figure is published for this model. */
  params: number | null;
  /** GFLOPs (multiply-accumulates), or null where no figure is published. */
  flops: number | null;
  source: string;
}

/**
 * The parameter count of the model as the official code builds it (not a published, rounded
 * figure): counted from the official module definitions, or timm's `param_count` for timm's port
 * that loads the official weights.
 */
export interface OfficialCount {
  /** Parameters, millions (exact when `exact`, else rounded to two decimals as the source gives it). */
  params: number;
  exact: boolean;
  source: string;
}

interface Named<F extends string, C> {
  family: F;
  config: C;
  reported: Reported;
  official?: OfficialCount;
  notes?: string;
}

export type NamedConfig = Named<'deit', DeiTConfig> | Named<'pvt', PvtConfig> | Named<'swin', SwinConfig> | Named<'cswin', CSwinConfig>;

/** Counted from the official module definitions (layer by layer: weights, biases, norms, embeddings, head). */
const counted = (count: number, code: string): OfficialCount => ({ params: count / 1e6, exact: true, source: `counted from ${code}` });
/** timm results-imagenet.csv `param_count` of timm's port, which loads the official checkpoint. */
const timm = (m: number, model: string): OfficialCount => ({ params: m, exact: false, source: `timm ${model} (loads the official weights)` });
/** FLatten repository models, counted from its module definitions in notes/flatten-aft.md §1.7. */
const flattenCode = (m: number, model: string): OfficialCount => ({ params: m, exact: false, source: `FLatten code ${model}, counted (notes §1.7)` });

type Quad = [number, number, number, number];
const PVT_DIMS: Quad = [64, 128, 320, 512];
const PVT_HEADS: Quad = [1, 2, 5, 8];
const PVT_MLP: Quad = [8, 8, 4, 4];
/** FLatten-PVT / PVTv2: focused linear attention in every stage without reduction (`ATTN_TYPE LLLL`, `PVT_LA_SR_RATIOS 1111`), p = 3, k = 5. */
const FLATTEN_PVT = { name: 'flatten', srRatio: 1, focusingFactor: 3, kernelSize: 5 };
/** FLatten-Swin: `ATTN_TYPE LLSS`, `WINDOW_SIZE 56` → global focused linear attention in stages 1–2 at 224, Swin's 7×7 windows in 3–4. */
const FLATTEN_SWIN: SwinConfig['attention'] = [
  { name: 'flatten-swin', windowSize: 56, focusingFactor: 3, kernelSize: 5 },
  { name: 'flatten-swin', windowSize: 56, focusingFactor: 3, kernelSize: 5 },
  { name: 'swin-window', windowSize: 7 },
  { name: 'swin-window', windowSize: 7 },
];
/** FLatten-CSwin: `ATTN_TYPE LLSS`, `CSWIN_LA_SPLIT_SIZE 56-28-14-7` → one global focused branch (with LePE) in stages 1–2, CSwin's stripes 7 in 3–4. */
const FLATTEN_CSWIN: CSwinConfig['attention'] = [
  { name: 'flatten-cswin', focusingFactor: 3, kernelSize: 5 },
  { name: 'flatten-cswin', focusingFactor: 3, kernelSize: 5 },
  { name: 'cswin-lepe', splitSize: 7 },
  { name: 'cswin-lepe', splitSize: 7 },
];
const aftVit = (dim: number, heads: number, kernel: number): DeiTConfig => ({
  embedDim: dim,
  depth: 12,
  numHeads: dim / 64,
  classToken: false,
  posEmbed: false,
  attention: { name: 'aft-conv', numHeads: heads, kernelSize: kernel },
});

/**
 * The papers' models by name. Parameter figures: DeiT (Touvron et al. 2021, Table 1 as
 * re-reported by FLatten Table 3 / AFT Table 7), PVT (Wang et al. 2021, Table 2), PVTv2
 * (Wang et al. 2022, Table 1 and the official README), Swin (Liu et al. 2021, Table 1 and the
 * official README), CSwin (Dong et al. 2022, Table 2), FLatten (Han et al. 2023, Fig. 6 table),
 * AFT (Zhai et al. 2021, Table 7; no FLOPs published).
 */
export const NAMED_CONFIGS: Record<string, NamedConfig> = {
  'deit-t': { family: 'deit', config: { embedDim: 192, depth: 12, numHeads: 3 }, reported: { params: 5.7, flops: 1.3, source: 'DeiT Table 1 (FLatten quotes 1.2G)' }, official: counted(5_717_416, 'DeiT/timm deit_tiny_patch16_224') },
  'deit-s': { family: 'deit', config: { embedDim: 384, depth: 12, numHeads: 6 }, reported: { params: 22.1, flops: 4.6, source: 'DeiT Table 1' }, official: counted(22_050_664, 'DeiT/timm deit_small_patch16_224') },
  'pvt-t': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], srRatios: [8, 4, 2, 1], clsToken: true },
    reported: { params: 13.2, flops: 1.9, source: 'PVT Table 2' },
    official: counted(13_229_288, 'PVT classification/pvt.py pvt_tiny'),
  },
  'pvt-s': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [3, 4, 6, 3], srRatios: [8, 4, 2, 1], clsToken: true },
    reported: { params: 24.5, flops: 3.8, source: 'PVT Table 2' },
    official: counted(24_485_864, 'PVT classification/pvt.py pvt_small'),
  },
  'pvtv2-b0': {
    family: 'pvt',
    config: { version: 2, embedDims: [32, 64, 160, 256], numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], srRatios: [8, 4, 2, 1] },
    reported: { params: 3.7, flops: 0.6, source: 'PVTv2 official README (paper Table 1: 3.4M)' },
    official: timm(3.67, 'pvt_v2_b0'),
  },
  'pvtv2-b1': {
    family: 'pvt',
    config: { version: 2, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], srRatios: [8, 4, 2, 1] },
    reported: { params: 14.0, flops: 2.1, source: 'PVTv2 official README (paper Table 1: 13.1M)' },
    official: timm(14.01, 'pvt_v2_b1'),
  },
  'swin-t': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24] }, reported: { params: 28, flops: 4.5, source: 'Swin official README (paper Table 1: 29M)' }, official: counted(28_288_354, 'Swin models/swin_transformer.py swin_tiny_patch4_window7_224') },
  'swin-s': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24] }, reported: { params: 50, flops: 8.7, source: 'Swin Table 1' }, official: counted(49_606_258, 'Swin models/swin_transformer.py swin_small_patch4_window7_224') },
  'cswin-t': {
    family: 'cswin',
    config: { embedDim: 64, depths: [1, 2, 21, 1], numHeads: [2, 4, 8, 16], splitSizes: [1, 2, 7, 7] },
    reported: { params: 23, flops: 4.3, source: 'CSwin Table 2' },
    official: counted(22_320_552, 'CSwin models/cswin.py CSWin_64_12211_tiny_224'),
  },
  'flatten-deit-t': {
    family: 'deit',
    config: { embedDim: 192, depth: 12, numHeads: 3, attention: { name: 'flatten-cls', focusingFactor: 3, kernelSize: 5 } },
    reported: { params: 6.1, flops: 1.1, source: 'FLatten Fig. 6 table' },
    notes: 'no official model (FLatten issue #12): FLatten in all 12 blocks with a positional encoding over all 197 tokens, as the paper describes; this gives 6.19M, 1.5% above the paper\'s 6.1M',
  },
  'flatten-deit-s': {
    family: 'deit',
    config: { embedDim: 384, depth: 12, numHeads: 6, attention: { name: 'flatten-cls', focusingFactor: 3, kernelSize: 5 } },
    reported: { params: null, flops: null, source: 'no published figure (DeiT-S, its softmax base, is 22.1M)' },
    notes: 'no official model and no figure in the FLatten paper\'s main text; built like FLatten-DeiT-T',
  },
  'flatten-pvt-t': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], attention: FLATTEN_PVT, finalNorm: false, patchEmbedEpsilon: 1e-6 },
    reported: { params: 12.2, flops: 2.0, source: 'FLatten Fig. 6 table' },
    official: flattenCode(12.15, 'flatten_pvt_tiny'),
  },
  'flatten-pvt-s': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [3, 4, 6, 3], attention: FLATTEN_PVT, finalNorm: false, patchEmbedEpsilon: 1e-6 },
    reported: { params: 21.7, flops: 4.0, source: 'FLatten Fig. 6 table' },
    official: flattenCode(21.67, 'flatten_pvt_small'),
  },
  'flatten-pvtv2-b0': {
    family: 'pvt',
    config: { version: 2, embedDims: [32, 64, 160, 256], numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], attention: FLATTEN_PVT },
    reported: { params: null, flops: null, source: 'no published figure' },
    official: flattenCode(3.59, 'flatten_pvt_v2_b0'),
  },
  'flatten-pvtv2-b1': {
    family: 'pvt',
    config: { version: 2, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], attention: FLATTEN_PVT },
    reported: { params: 12.9, flops: 2.2, source: 'FLatten Fig. 6 table' },
    official: flattenCode(12.93, 'flatten_pvt_v2_b1'),
  },
  'flatten-swin-t': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24], attention: FLATTEN_SWIN }, reported: { params: 29, flops: 4.5, source: 'FLatten Fig. 6 table' }, official: flattenCode(29.19, 'flatten_swin_t') },
  'flatten-swin-s': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24], attention: FLATTEN_SWIN }, reported: { params: 51, flops: 8.7, source: 'FLatten Fig. 6 table' }, official: flattenCode(50.51, 'flatten_swin_s') },
  'flatten-cswin-t': {
    family: 'cswin',
    config: { embedDim: 64, depths: [2, 4, 18, 1], numHeads: [2, 4, 8, 16], splitSizes: [1, 2, 7, 7], attention: FLATTEN_CSWIN },
    reported: { params: 21, flops: 4.3, source: 'FLatten Fig. 6 table' },
    official: flattenCode(21.20, 'FLatten_CSWin_64_24181_tiny_224'),
  },
  'aft-conv-t-32-11': { family: 'deit', config: aftVit(192, 32, 11), reported: { params: 5.4, flops: null, source: 'AFT Table 7' } },
  'aft-conv-t-192-11': { family: 'deit', config: aftVit(192, 192, 11), reported: { params: 5.9, flops: null, source: 'AFT Table 7' } },
  'aft-conv-s-16-11': { family: 'deit', config: aftVit(384, 16, 11), reported: { params: 20.3, flops: null, source: 'AFT Table 7' } },
  'aft-conv-s-384-11': { family: 'deit', config: aftVit(384, 384, 11), reported: { params: 22.5, flops: null, source: 'AFT Table 7' } },
  'aft-conv-s-384-15': { family: 'deit', config: aftVit(384, 384, 15), reported: { params: 23.0, flops: null, source: 'AFT Table 7' } },
};
