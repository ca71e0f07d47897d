import type { CSwinConfig } from './cswin.js';
import type { DeiTConfig } from './deit.js';
import type { PvtConfig } from './pvt.js';
import type { SwinConfig } from './swin.js';

/** What a paper (or the official repository) reports for a model at 224×224. */
export interface Reported {
  /** Parameters, millions. */
  params: number;
  /** GFLOPs (multiply-accumulates), or null where no figure is published. */
  flops: number | null;
  source: string;
}

export type NamedConfig =
  | { family: 'deit'; config: DeiTConfig; reported: Reported; notes?: string }
  | { family: 'pvt'; config: PvtConfig; reported: Reported; notes?: string }
  | { family: 'swin'; config: SwinConfig; reported: Reported; notes?: string }
  | { family: 'cswin'; config: CSwinConfig; reported: Reported; notes?: string };

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
  'deit-t': { family: 'deit', config: { embedDim: 192, depth: 12, numHeads: 3 }, reported: { params: 5.7, flops: 1.3, source: 'DeiT Table 1 (FLatten quotes 1.2G)' } },
  'deit-s': { family: 'deit', config: { embedDim: 384, depth: 12, numHeads: 6 }, reported: { params: 22.1, flops: 4.6, source: 'DeiT Table 1' } },
  'pvt-t': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], srRatios: [8, 4, 2, 1], clsToken: true },
    reported: { params: 13.2, flops: 1.9, source: 'PVT Table 2' },
  },
  'pvt-s': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [3, 4, 6, 3], srRatios: [8, 4, 2, 1], clsToken: true },
    reported: { params: 24.5, flops: 3.8, source: 'PVT Table 2' },
  },
  'pvtv2-b0': {
    family: 'pvt',
    config: { version: 2, embedDims: [32, 64, 160, 256], numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], srRatios: [8, 4, 2, 1] },
    reported: { params: 3.7, flops: 0.6, source: 'PVTv2 official README (paper Table 1: 3.4M)' },
  },
  'pvtv2-b1': {
    family: 'pvt',
    config: { version: 2, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], srRatios: [8, 4, 2, 1] },
    reported: { params: 14.0, flops: 2.1, source: 'PVTv2 official README (paper Table 1: 13.1M)' },
  },
  'swin-t': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24] }, reported: { params: 28, flops: 4.5, source: 'Swin official README (paper Table 1: 29M)' } },
  'swin-s': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24] }, reported: { params: 50, flops: 8.7, source: 'Swin Table 1' } },
  'cswin-t': {
    family: 'cswin',
    config: { embedDim: 64, depths: [1, 2, 21, 1], numHeads: [2, 4, 8, 16], splitSizes: [1, 2, 7, 7] },
    reported: { params: 23, flops: 4.3, source: 'CSwin Table 2' },
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
    reported: { params: 22.1, flops: null, source: 'no FLatten figure: DeiT-S parameters for reference' },
    notes: 'no official model and no figure in the FLatten paper\'s main text; built like FLatten-DeiT-T',
  },
  'flatten-pvt-t': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], attention: FLATTEN_PVT, finalNorm: false },
    reported: { params: 12.2, flops: 2.0, source: 'FLatten Fig. 6 table' },
  },
  'flatten-pvt-s': {
    family: 'pvt',
    config: { version: 1, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [3, 4, 6, 3], attention: FLATTEN_PVT, finalNorm: false },
    reported: { params: 21.7, flops: 4.0, source: 'FLatten Fig. 6 table' },
  },
  'flatten-pvtv2-b0': {
    family: 'pvt',
    config: { version: 2, embedDims: [32, 64, 160, 256], numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], attention: FLATTEN_PVT },
    reported: { params: 3.59, flops: null, source: 'no published figure: parameter arithmetic of notes §1.7' },
  },
  'flatten-pvtv2-b1': {
    family: 'pvt',
    config: { version: 2, embedDims: PVT_DIMS, numHeads: PVT_HEADS, mlpRatios: PVT_MLP, depths: [2, 2, 2, 2], attention: FLATTEN_PVT },
    reported: { params: 12.9, flops: 2.2, source: 'FLatten Fig. 6 table' },
  },
  'flatten-swin-t': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24], attention: FLATTEN_SWIN }, reported: { params: 29, flops: 4.5, source: 'FLatten Fig. 6 table' } },
  'flatten-swin-s': { family: 'swin', config: { embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24], attention: FLATTEN_SWIN }, reported: { params: 51, flops: 8.7, source: 'FLatten Fig. 6 table' } },
  'flatten-cswin-t': {
    family: 'cswin',
    config: { embedDim: 64, depths: [2, 4, 18, 1], numHeads: [2, 4, 8, 16], splitSizes: [1, 2, 7, 7], attention: FLATTEN_CSWIN },
    reported: { params: 21, flops: 4.3, source: 'FLatten Fig. 6 table' },
  },
  'aft-conv-t-32-11': { family: 'deit', config: aftVit(192, 32, 11), reported: { params: 5.4, flops: null, source: 'AFT Table 7' } },
  'aft-conv-t-192-11': { family: 'deit', config: aftVit(192, 192, 11), reported: { params: 5.9, flops: null, source: 'AFT Table 7' } },
  'aft-conv-s-16-11': { family: 'deit', config: aftVit(384, 16, 11), reported: { params: 20.3, flops: null, source: 'AFT Table 7' } },
  'aft-conv-s-384-11': { family: 'deit', config: aftVit(384, 384, 11), reported: { params: 22.5, flops: null, source: 'AFT Table 7' } },
  'aft-conv-s-384-15': { family: 'deit', config: aftVit(384, 384, 15), reported: { params: 23.0, flops: null, source: 'AFT Table 7' } },
};
