import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, registerLayerClass } from '@attention-zoo/attention-core';
import { layerNorm } from '@attention-zoo/attention-core/ops';
import { type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { Backbone, type BackboneBaseConfig, type FeatureTap, type FlopTerm, type PositionEmbeddingGeometry } from '../core/backbone.js';
import type { TorchNaming } from '../weights/naming.js';
import { conv2dTorch } from '../core/conv.js';
import type { AttentionChoice } from '../core/stage-attention.js';
import { convKeys, layerNormKeys, linearKeys, squeezeTo } from '../core/torch-keys.js';

export interface DeiTConfig extends BackboneBaseConfig {
  embedDim: number;
  depth: number;
  numHeads: number;
  /** Default 16. */
  patchSize?: number;
  mlpRatio?: number;
  qkvBias?: boolean;
  /** Attention of every block, or one per block. Default `softmax` (timm's `Attention`). */
  attention?: AttentionChoice | AttentionChoice[];
  /** Class token (classified from it). Default true; false = global average pooling (AFT-conv ViT). */
  classToken?: boolean;
  /** DeiT's distillation token and second head (`head_dist`; inference averages both heads). Default false. */
  distilled?: boolean;
  /** Learned absolute position embedding. Default true; the AFT-conv ViT has none. */
  posEmbed?: boolean;
  /** Default 1e-6 (timm ViT). */
  layerNormEpsilon?: number;
}

/**
 * DeiT / ViT (Touvron et al. ICML 2021; timm `VisionTransformer`): Conv(k = s = 16) patch
 * embedding, class (and distillation) token, position embedding, `depth` pre-norm blocks,
 * final LayerNorm, head on the class token (or on the mean of the tokens without one).
 */
export class DeiT extends Backbone {
  static className = 'AttentionZoo>DeiT';
  readonly cfg: Required<Omit<DeiTConfig, keyof BackboneBaseConfig | 'attention'>> & { attention: AttentionChoice[] };

  constructor(config: DeiTConfig) {
    super(config, 'deit');
    const att = config.attention ?? 'softmax';
    const attention = this.attentionPer(att, config.depth, 'block');
    this.cfg = {
      embedDim: config.embedDim,
      depth: config.depth,
      numHeads: config.numHeads,
      patchSize: config.patchSize ?? 16,
      mlpRatio: config.mlpRatio ?? 4,
      qkvBias: config.qkvBias ?? true,
      attention,
      classToken: config.classToken ?? true,
      distilled: config.distilled ?? false,
      posEmbed: config.posEmbed ?? true,
      layerNormEpsilon: config.layerNormEpsilon ?? 1e-6,
    };
    if (this.cfg.distilled && !this.cfg.classToken) throw new AttentionConfigError(`${this.who}: a distillation token needs the class token`);
    if (this.imageSize % this.cfg.patchSize !== 0) throw new AttentionConfigError(`${this.who}: imageSize ${this.imageSize} is not a multiple of patchSize ${this.cfg.patchSize}`);
  }

  grid(): number {
    return this.imageSize / this.cfg.patchSize;
  }

  /** Class + distillation tokens before the patches. */
  extraTokens(): number {
    return (this.cfg.classToken ? 1 : 0) + (this.cfg.distilled ? 1 : 0);
  }

  tokens(): number {
    return this.grid() ** 2 + this.extraTokens();
  }

  numFeatures(): number {
    return this.cfg.embedDim;
  }

  protected modelConfig(): Record<string, unknown> {
    return { ...this.cfg };
  }

  protected buildParts(): void {
    const { embedDim: c, patchSize: p, depth, numHeads, mlpRatio, layerNormEpsilon } = this.cfg;
    const g = this.grid();
    const extra = this.extraTokens();
    this.addPath('patch_embed/proj/kernel', [p, p, 3, c]);
    this.addPath('patch_embed/proj/bias', [c]);
    if (this.cfg.classToken) this.addPath('cls_token', [1, c], 'truncNormal02');
    if (this.cfg.distilled) this.addPath('dist_token', [1, c], 'truncNormal02');
    if (this.cfg.posEmbed) this.addPath('pos_embed', [this.tokens(), c], 'truncNormal02');
    const dpr = this.dropPaths(depth);
    for (let i = 0; i < depth; i++) {
      this.addStageBlock({
        choice: this.cfg.attention[i]!, stage: 0, index: i, where: `block ${i}`, path: `blocks/${i}/`, key: `blocks.${i}.`, name: `${this.name}_block${i}`,
        dim: c, numHeads, grid: [g, g], clsTokens: extra, qkvBias: this.cfg.qkvBias, mlpRatio, dropPath: dpr[i]!, layerNormEpsilon,
      });
    }
    this.addPath('norm/gamma', [c], 'ones');
    this.addPath('norm/beta', [c], 'zeros');
    this.addHead(c);
    if (this.cfg.distilled) this.addHead(c, 'head_dist');
  }

  protected forward(images: tf.Tensor4D, training: boolean, tap?: FeatureTap): tf.Tensor2D {
    const { embedDim: c, patchSize: p, layerNormEpsilon } = this.cfg;
    const y = conv2dTorch(images, this.w('patch_embed/proj/kernel') as tf.Tensor4D, this.w('patch_embed/proj/bias') as tf.Tensor1D, p, 0);
    const b = y.shape[0];
    let x = tf.reshape(y, [b, -1, c]) as tf.Tensor3D;
    const lead: tf.Tensor[] = [];
    if (this.cfg.classToken) lead.push(this.w('cls_token'));
    if (this.cfg.distilled) lead.push(this.w('dist_token'));
    if (lead.length) x = tf.concat([tf.tile(tf.expandDims(tf.concat(lead, 0), 0), [b, 1, 1]), x], 1) as tf.Tensor3D;
    if (this.cfg.posEmbed) x = tf.add(x, this.w('pos_embed')) as tf.Tensor3D;
    const g = this.grid();
    const extra = this.extraTokens();
    // timm's forward_intermediates: each block's patch tokens, class tokens dropped, before the final norm
    x = this.runStage(x, 0, training, tap && ((i, t) => tap(i, tf.slice(t, [0, extra, 0], [-1, -1, -1]) as tf.Tensor3D, [g, g])));
    x = layerNorm(x, this.w('norm/gamma') as tf.Tensor1D, this.w('norm/beta') as tf.Tensor1D, layerNormEpsilon) as tf.Tensor3D;
    const token = (i: number) => tf.squeeze(tf.slice(x, [0, i, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
    if (!this.cfg.classToken) return this.head(tf.mean(x, 1) as tf.Tensor2D);
    if (!this.cfg.distilled || this.numClasses === 0) return this.head(token(0));
    // DeiT distilled inference: the mean of the class head and the distillation head
    return tf.div(tf.add(this.head(token(0)), this.head(token(1), 'head_dist')), 2) as tf.Tensor2D;
  }

  torchKeyMap(): StateDictKeyMap {
    this.ensureBuilt();
    const map: StateDictKeyMap = { ...convKeys('patch_embed.proj', 'patch_embed/proj') };
    if (this.cfg.classToken) map['cls_token'] = { to: 'cls_token', transform: squeezeTo(2) };
    if (this.cfg.distilled) map['dist_token'] = { to: 'dist_token', transform: squeezeTo(2) };
    if (this.cfg.posEmbed) map['pos_embed'] = { to: 'pos_embed', transform: squeezeTo(2) };
    Object.assign(map, this.blockKeyMap());
    Object.assign(map, layerNormKeys('norm', 'norm'));
    if (this.numClasses > 0) Object.assign(map, linearKeys('head', 'head'));
    if (this.numClasses > 0 && this.cfg.distilled) Object.assign(map, linearKeys('head_dist', 'head_dist'));
    return map;
  }

  featureShapes(): [number, number, number][] {
    return Array.from({ length: this.cfg.depth }, () => [this.grid(), this.grid(), this.cfg.embedDim] as [number, number, number]);
  }

  /** timm's ViT default: the last three blocks. */
  protected override defaultOutIndices(count: number): number[] {
    return Array.from({ length: Math.min(3, count) }, (_, i) => count - Math.min(3, count) + i);
  }

  /** DeiT's repository is built on timm's `VisionTransformer`: its checkpoints and timm's share every name. */
  protected torchNamings(): TorchNaming[] {
    return [{ name: 'official/timm', source: 'facebookresearch/deit models.py = timm/models/vision_transformer.py, deit.py', toOfficial: (k) => k }];
  }

  protected override positionEmbedding(key: string): PositionEmbeddingGeometry | undefined {
    return key === 'pos_embed' ? { grid: [this.grid(), this.grid()], prefixTokens: this.extraTokens() } : undefined;
  }

  flopTerms(): FlopTerm[] {
    this.ensureBuilt();
    const { embedDim: c, patchSize: p, mlpRatio } = this.cfg;
    const n = this.tokens();
    const terms: FlopTerm[] = [{ part: 'patch_embed', flops: this.grid() ** 2 * c * 3 * p * p }];
    for (const b of this.blocks) {
      terms.push({ part: 'attention', flops: this.attentionFlops(b) });
      terms.push({ part: 'mlp', flops: 2 * n * c * Math.round(c * mlpRatio) });
    }
    if (this.numClasses > 0) terms.push({ part: 'head', flops: c * this.numClasses * (this.cfg.distilled ? 2 : 1) });
    return terms;
  }
}

registerLayerClass(DeiT);
