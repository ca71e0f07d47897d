import type { TorchNaming } from './naming.js';

/**
 * timm's names for the models timm ports, each the exact inverse of the `checkpoint_filter_fn`
 * timm applies to the official checkpoints (timm 1.0, `timm/models/<file>.py`).
 */

/**
 * PVTv2, `timm/models/pvt_v2.py`: official `patch_embed1` is timm's `patch_embed`, `patch_embed{i}`
 * (i ≥ 2) `stages.{i−1}.downsample`, `block{i}.{j}` `stages.{i−1}.blocks.{j}`, `norm{i}`
 * `stages.{i−1}.norm`, and the conv FFN's `dwconv.dwconv` is `dwconv`.
 */
export const TIMM_PVT_V2: TorchNaming = {
  name: 'timm',
  source: 'timm/models/pvt_v2.py (checkpoint_filter_fn)',
  toOfficial: (k) =>
    k
      .replace(/^patch_embed\./, 'patch_embed1.')
      .replace(/^stages\.(\d+)\.downsample\./, (_, i: string) => `patch_embed${+i + 1}.`)
      .replace(/^stages\.(\d+)\.blocks\.(\d+)\./, (_, i: string, j: string) => `block${+i + 1}.${j}.`)
      .replace(/^stages\.(\d+)\.norm\./, (_, i: string) => `norm${+i + 1}.`)
      .replace(/\.mlp\.dwconv\.(weight|bias)$/, '.mlp.dwconv.dwconv.$1'),
};

/**
 * Swin, `timm/models/swin_transformer.py`: the patch merging that ends official stage i opens timm's
 * stage i + 1 (`layers.{i}.downsample` is timm's `layers.{i+1}.downsample`), the classifier is
 * `head.fc`; timm keeps `relative_position_index` and `attn_mask` out of its state dicts.
 */
export const TIMM_SWIN: TorchNaming = {
  name: 'timm',
  source: 'timm/models/swin_transformer.py (checkpoint_filter_fn)',
  toOfficial: (k) => k.replace(/^layers\.(\d+)\.downsample\./, (_, i: string) => `layers.${+i - 1}.downsample.`).replace(/^head\.fc\./, 'head.'),
};
