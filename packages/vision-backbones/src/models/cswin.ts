import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, registerLayerClass } from '@attention-zoo/attention-core';
import { layerNorm } from '@attention-zoo/attention-core/ops';
import { type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { Backbone, type BackboneBaseConfig, type FeatureTap, type FlopTerm } from '../core/backbone.js';
import { conv2dTorch } from '../core/conv.js';
import type { AttentionChoice } from '../core/stage-attention.js';
import { officialNaming, type TorchNaming } from '../weights/naming.js';
import { convKeys, layerNormKeys, linearKeys } from '../core/torch-keys.js';

type Quad = [number, number, number, number];

export interface CSwinConfig extends BackboneBaseConfig {
  embedDim: number;
  depths: Quad;
  numHeads: Quad;
  /** Stripe widths of the default attention (official `split_size`). Default [1, 2, 7, 7]. */
  splitSizes?: Quad;
  /** Attention of each stage (or one for all). Default CSwin's `{ name: 'cswin-lepe', splitSize }`. */
  attention?: AttentionChoice | AttentionChoice[];
  mlpRatio?: number;
  qkvBias?: boolean;
  /** Default 1e-5 (`nn.LayerNorm`). */
  layerNormEpsilon?: number;
}

const STAGES = [0, 1, 2, 3] as const;

/**
 * CSWin Transformer (Dong et al. CVPR 2022; official `cswin.py` and FLatten's `flatten_cswin.py`):
 * Conv(7, stride 4, pad 2) + LayerNorm embedding, four stages of blocks, `Merge_Block`
 * (Conv(3, stride 2, pad 1) + LayerNorm) between stages, final LayerNorm, mean pooling, head.
 */
export class CSwin extends Backbone {
  static className = 'AttentionZoo>CSwin';
  readonly cfg: Required<Omit<CSwinConfig, keyof BackboneBaseConfig | 'attention'>> & { attention: AttentionChoice[] };

  constructor(config: CSwinConfig) {
    super(config, 'cswin');
    const splitSizes = config.splitSizes ?? [1, 2, 7, 7];
    const att = config.attention ?? STAGES.map((i) => ({ name: 'cswin-lepe', splitSize: splitSizes[i] }));
    const attention = this.attentionPer(att, 4, 'stage');
    this.cfg = {
      embedDim: config.embedDim,
      depths: config.depths,
      numHeads: config.numHeads,
      splitSizes,
      attention,
      mlpRatio: config.mlpRatio ?? 4,
      qkvBias: config.qkvBias ?? true,
      layerNormEpsilon: config.layerNormEpsilon ?? 1e-5,
    };
    if (this.imageSize % 32 !== 0) throw new AttentionConfigError(`${this.who}: imageSize must be a multiple of 32 (four stages of strides 4, 8, 16, 32), got ${this.imageSize}`);
  }

  grid(i: number): number {
    return this.imageSize / 4 / 2 ** i;
  }

  dim(i: number): number {
    return this.cfg.embedDim * 2 ** i;
  }

  numFeatures(): number {
    return this.dim(3);
  }

  protected modelConfig(): Record<string, unknown> {
    return { ...this.cfg };
  }

  protected buildParts(): void {
    const { depths, numHeads, mlpRatio, layerNormEpsilon, embedDim } = this.cfg;
    const dpr = this.dropPaths(depths.reduce((a, b) => a + b, 0));
    this.addPath('stage1_conv_embed/conv/kernel', [7, 7, 3, embedDim]);
    this.addPath('stage1_conv_embed/conv/bias', [embedDim]);
    this.addPath('stage1_conv_embed/norm/gamma', [embedDim], 'ones');
    this.addPath('stage1_conv_embed/norm/beta', [embedDim], 'zeros');
    let cur = 0;
    for (const i of STAGES) {
      const c = this.dim(i);
      const g = this.grid(i);
      if (i > 0) {
        this.addPath(`merge${i}/conv/kernel`, [3, 3, c / 2, c]);
        this.addPath(`merge${i}/conv/bias`, [c]);
        this.addPath(`merge${i}/norm/gamma`, [c], 'ones');
        this.addPath(`merge${i}/norm/beta`, [c], 'zeros');
      }
      for (let j = 0; j < depths[i]; j++) {
        this.addStageBlock({
          choice: this.cfg.attention[i]!, stage: i, index: j, where: `stage ${i + 1} block ${j}`, path: `stage${i + 1}/${j}/`, key: `stage${i + 1}.${j}.`,
          name: `${this.name}_stage${i + 1}_${j}`, dim: c, numHeads: numHeads[i], grid: [g, g], qkvBias: this.cfg.qkvBias, mlpRatio, dropPath: dpr[cur++]!, layerNormEpsilon,
        });
      }
    }
    this.addPath('norm/gamma', [this.dim(3)], 'ones');
    this.addPath('norm/beta', [this.dim(3)], 'zeros');
    this.addHead(this.dim(3));
  }

  protected forward(images: tf.Tensor4D, training: boolean, tap?: FeatureTap): tf.Tensor2D {
    const eps = this.cfg.layerNormEpsilon;
    const ln = (t: tf.Tensor, path: string) => layerNorm(t, this.w(`${path}/gamma`) as tf.Tensor1D, this.w(`${path}/beta`) as tf.Tensor1D, eps);
    const embed = conv2dTorch(images, this.w('stage1_conv_embed/conv/kernel') as tf.Tensor4D, this.w('stage1_conv_embed/conv/bias') as tf.Tensor1D, 4, 2);
    const b = embed.shape[0];
    // stage1_conv_embed's LayerNorm is nn.LayerNorm(embed_dim): ε 1e-5 whatever the blocks use
    let x = layerNorm(tf.reshape(embed, [b, -1, this.cfg.embedDim]), this.w('stage1_conv_embed/norm/gamma') as tf.Tensor1D, this.w('stage1_conv_embed/norm/beta') as tf.Tensor1D, 1e-5) as tf.Tensor3D;
    for (const i of STAGES) {
      if (i > 0) {
        const g = this.grid(i - 1);
        const map = tf.reshape(x, [b, g, g, this.dim(i - 1)]) as tf.Tensor4D;
        const y = conv2dTorch(map, this.w(`merge${i}/conv/kernel`) as tf.Tensor4D, this.w(`merge${i}/conv/bias`) as tf.Tensor1D, 2, 1);
        x = ln(tf.reshape(y, [b, -1, this.dim(i)]), `merge${i}/norm`) as tf.Tensor3D;
      }
      x = this.runStage(x, i, training);
      tap?.(i, x, [this.grid(i), this.grid(i)]); // each stage's blocks' output, before the next merge
    }
    return this.head(tf.mean(ln(x, 'norm'), 1) as tf.Tensor2D);
  }

  torchKeyMap(): StateDictKeyMap {
    this.ensureBuilt();
    const map: StateDictKeyMap = { ...convKeys('stage1_conv_embed.0', 'stage1_conv_embed/conv'), ...layerNormKeys('stage1_conv_embed.2', 'stage1_conv_embed/norm') };
    for (const i of [1, 2, 3]) Object.assign(map, convKeys(`merge${i}.conv`, `merge${i}/conv`), layerNormKeys(`merge${i}.norm`, `merge${i}/norm`));
    Object.assign(map, this.blockKeyMap());
    Object.assign(map, layerNormKeys('norm', 'norm'));
    if (this.numClasses > 0) Object.assign(map, linearKeys('head', 'head'));
    return map;
  }

  featureShapes(): [number, number, number][] {
    return STAGES.map((i) => [this.grid(i), this.grid(i), this.dim(i)]);
  }

  /** The official names only: timm has no CSwin. */
  protected torchNamings(): TorchNaming[] {
    return [officialNaming('microsoft/CSWin-Transformer models/cswin.py, LeapLabTHU/FLatten-Transformer models/flatten_cswin.py')];
  }

  flopTerms(): FlopTerm[] {
    this.ensureBuilt();
    const { embedDim, mlpRatio } = this.cfg;
    const terms: FlopTerm[] = [{ part: 'stage1_conv_embed', flops: this.grid(0) ** 2 * embedDim * 3 * 49 }];
    for (const i of [1, 2, 3]) terms.push({ part: `merge${i}`, flops: this.grid(i) ** 2 * this.dim(i) * this.dim(i - 1) * 9 });
    for (const b of this.blocks) {
      const { stage, dim: c, tokens: n } = b.spec;
      terms.push({ part: `stage${stage + 1} attention`, flops: this.attentionFlops(b) });
      terms.push({ part: `stage${stage + 1} mlp`, flops: 2 * n * c * Math.round(c * mlpRatio) });
    }
    if (this.numClasses > 0) terms.push({ part: 'head', flops: this.numFeatures() * this.numClasses });
    return terms;
  }
}

registerLayerClass(CSwin);
