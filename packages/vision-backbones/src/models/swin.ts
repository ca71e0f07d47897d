import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, registerLayerClass } from '@attention-zoo/attention-core';
import { dense, layerNorm } from '@attention-zoo/attention-core/ops';
import { type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { Backbone, type BackboneBaseConfig, type FeatureTap, type FlopTerm } from '../core/backbone.js';
import { conv2dTorch } from '../core/conv.js';
import type { AttentionChoice } from '../core/stage-attention.js';
import { officialNaming, type TorchNaming } from '../weights/naming.js';
import { TIMM_SWIN } from '../weights/timm-names.js';
import { convKeys, layerNormKeys, linearKeys } from '../core/torch-keys.js';
import { patchMergeGather } from './patch-merging.js';

export interface SwinConfig extends BackboneBaseConfig {
  embedDim: number;
  depths: number[];
  numHeads: number[];
  /** Window of the default attention (official `window_size`); a given `attention` sets its own. Default 7. */
  windowSize?: number;
  /**
   * Attention of each stage (or one for all). Default Swin's `{ name: 'swin-window', windowSize }`.
   * Each block gets its options from the variant's `stageOptions`: the window attentions
   * (`swin-window`, `flatten-swin`) shift by half a window in odd blocks.
   */
  attention?: AttentionChoice | AttentionChoice[];
  mlpRatio?: number;
  qkvBias?: boolean;
  /** Default 4. */
  patchSize?: number;
  /** Default 1e-5 (`nn.LayerNorm`). */
  layerNormEpsilon?: number;
}

/**
 * Swin Transformer (Liu et al. ICCV 2021; official `swin_transformer.py` and FLatten's
 * `flatten_swin.py`): Conv(k = s = 4) + LayerNorm patch embedding, stages of blocks alternating
 * W-MSA and SW-MSA (shift windowSize/2 in odd blocks), PatchMerging (2×2 gather → LayerNorm(4C)
 * → Linear(4C, 2C, no bias)) between stages, final LayerNorm, mean pooling, head.
 */
export class Swin extends Backbone {
  static className = 'AttentionZoo>Swin';
  readonly cfg: Required<Omit<SwinConfig, keyof BackboneBaseConfig | 'attention'>> & { attention: AttentionChoice[] };

  constructor(config: SwinConfig) {
    super(config, 'swin');
    const stages = config.depths?.length ?? 0;
    if (!Array.isArray(config.depths) || !Array.isArray(config.numHeads) || config.numHeads.length !== stages || stages < 1) {
      throw new AttentionConfigError(`${this.who}: depths and numHeads must list the same stages, got ${JSON.stringify(config.depths)} and ${JSON.stringify(config.numHeads)}`);
    }
    const windowSize = config.windowSize ?? 7;
    const att = config.attention ?? { name: 'swin-window', windowSize };
    const attention = this.attentionPer(att, stages, 'stage');
    this.cfg = {
      embedDim: config.embedDim,
      depths: config.depths,
      numHeads: config.numHeads,
      windowSize,
      attention,
      mlpRatio: config.mlpRatio ?? 4,
      qkvBias: config.qkvBias ?? true,
      patchSize: config.patchSize ?? 4,
      layerNormEpsilon: config.layerNormEpsilon ?? 1e-5,
    };
    const g = this.imageSize / this.cfg.patchSize;
    if (!Number.isInteger(g) || g % 2 ** (stages - 1) !== 0) {
      throw new AttentionConfigError(`${this.who}: imageSize ${this.imageSize} / patchSize ${this.cfg.patchSize} must be divisible by 2^${stages - 1} for the patch merging`);
    }
  }

  grid(i: number): number {
    return this.imageSize / this.cfg.patchSize / 2 ** i;
  }

  dim(i: number): number {
    return this.cfg.embedDim * 2 ** i;
  }

  numFeatures(): number {
    return this.dim(this.cfg.depths.length - 1);
  }

  protected modelConfig(): Record<string, unknown> {
    return { ...this.cfg };
  }

  protected buildParts(): void {
    const { depths, numHeads, mlpRatio, layerNormEpsilon, patchSize: p, embedDim } = this.cfg;
    const dpr = this.dropPaths(depths.reduce((a, b) => a + b, 0));
    this.addPath('patch_embed/proj/kernel', [p, p, 3, embedDim]);
    this.addPath('patch_embed/proj/bias', [embedDim]);
    this.addPath('patch_embed/norm/gamma', [embedDim], 'ones');
    this.addPath('patch_embed/norm/beta', [embedDim], 'zeros');
    let cur = 0;
    depths.forEach((depth, i) => {
      const c = this.dim(i);
      const g = this.grid(i);
      for (let j = 0; j < depth; j++) {
        this.addStageBlock({
          choice: this.cfg.attention[i]!, stage: i, index: j, where: `stage ${i + 1} block ${j}`, path: `layers/${i}/blocks/${j}/`, key: `layers.${i}.blocks.${j}.`,
          name: `${this.name}_layer${i}_block${j}`, dim: c, numHeads: numHeads[i]!, grid: [g, g], qkvBias: this.cfg.qkvBias, mlpRatio, dropPath: dpr[cur++]!, layerNormEpsilon,
        });
      }
      if (i < depths.length - 1) {
        this.addPath(`layers/${i}/downsample/norm/gamma`, [4 * c], 'ones');
        this.addPath(`layers/${i}/downsample/norm/beta`, [4 * c], 'zeros');
        this.addPath(`layers/${i}/downsample/reduction/kernel`, [4 * c, 2 * c]);
      }
    });
    const last = this.numFeatures();
    this.addPath('norm/gamma', [last], 'ones');
    this.addPath('norm/beta', [last], 'zeros');
    this.addHead(last);
  }

  protected forward(images: tf.Tensor4D, training: boolean, tap?: FeatureTap): tf.Tensor2D {
    const { depths, layerNormEpsilon: eps, patchSize: p, embedDim } = this.cfg;
    const y = conv2dTorch(images, this.w('patch_embed/proj/kernel') as tf.Tensor4D, this.w('patch_embed/proj/bias') as tf.Tensor1D, p, 0);
    const b = y.shape[0];
    const ln = (t: tf.Tensor, path: string) => layerNorm(t, this.w(`${path}/gamma`) as tf.Tensor1D, this.w(`${path}/beta`) as tf.Tensor1D, eps);
    let x = ln(tf.reshape(y, [b, -1, embedDim]), 'patch_embed/norm') as tf.Tensor3D;
    depths.forEach((_, i) => {
      x = this.runStage(x, i, training);
      tap?.(i, x, [this.grid(i), this.grid(i)]); // before the patch merging, as timm's forward_intermediates
      if (i < depths.length - 1) {
        const g = this.grid(i);
        const merged = ln(patchMergeGather(x, [g, g]), `layers/${i}/downsample/norm`);
        x = dense(merged, this.w(`layers/${i}/downsample/reduction/kernel`) as tf.Tensor2D) as tf.Tensor3D;
      }
    });
    return this.head(tf.mean(ln(x, 'norm'), 1) as tf.Tensor2D);
  }

  torchKeyMap(): StateDictKeyMap {
    this.ensureBuilt();
    const map: StateDictKeyMap = { ...convKeys('patch_embed.proj', 'patch_embed/proj'), ...layerNormKeys('patch_embed.norm', 'patch_embed/norm'), ...this.blockKeyMap() };
    for (let i = 0; i < this.cfg.depths.length - 1; i++) {
      Object.assign(map, layerNormKeys(`layers.${i}.downsample.norm`, `layers/${i}/downsample/norm`), linearKeys(`layers.${i}.downsample.reduction`, `layers/${i}/downsample/reduction`, false));
    }
    Object.assign(map, layerNormKeys('norm', 'norm'));
    if (this.numClasses > 0) Object.assign(map, linearKeys('head', 'head'));
    return map;
  }

  featureShapes(): [number, number, number][] {
    return this.cfg.depths.map((_, i) => [this.grid(i), this.grid(i), this.dim(i)]);
  }

  protected torchNamings(): TorchNaming[] {
    return [officialNaming('microsoft/Swin-Transformer models/swin_transformer.py, LeapLabTHU/FLatten-Transformer models/flatten_swin.py'), TIMM_SWIN];
  }

  flopTerms(): FlopTerm[] {
    this.ensureBuilt();
    const { patchSize: p, embedDim, mlpRatio, depths } = this.cfg;
    const g0 = this.grid(0);
    const terms: FlopTerm[] = [{ part: 'patch_embed', flops: g0 * g0 * embedDim * 3 * p * p }];
    for (const b of this.blocks) {
      const { stage, dim: c, tokens: n } = b.spec;
      terms.push({ part: `stage${stage + 1} attention`, flops: this.attentionFlops(b) });
      terms.push({ part: `stage${stage + 1} mlp`, flops: 2 * n * c * Math.round(c * mlpRatio) });
    }
    for (let i = 0; i < depths.length - 1; i++) {
      const c = this.dim(i);
      terms.push({ part: `merge${i + 1}`, flops: (this.grid(i + 1) ** 2) * 4 * c * 2 * c });
    }
    if (this.numClasses > 0) terms.push({ part: 'head', flops: this.numFeatures() * this.numClasses });
    return terms;
  }
}

registerLayerClass(Swin);
