import * as tf from '@tensorflow/tfjs-core';
import { AttentionConfigError, registerLayerClass } from '@attention-zoo/attention-core';
import { layerNorm } from '@attention-zoo/attention-core/ops';
import { type StateDictKeyMap } from '@attention-zoo/attention-core/weights';
import { convFfnBlock } from '../blocks/conv-ffn-block.js';
import { Backbone, type BackboneBaseConfig, type FeatureTap, type FlopTerm, type PositionEmbeddingGeometry } from '../core/backbone.js';
import { officialNaming, type TorchNaming } from '../weights/naming.js';
import { TIMM_PVT_V2 } from '../weights/timm-names.js';
import { conv2dTorch, convOut } from '../core/conv.js';
import type { AttentionChoice } from '../core/stage-attention.js';
import { convKeys, layerNormKeys, linearKeys, squeezeTo } from '../core/torch-keys.js';

type Quad = [number, number, number, number];

export interface PvtConfig extends BackboneBaseConfig {
  /** 1: PVT (Wang et al. ICCV 2021), 2: PVTv2 (Wang et al. CVMJ 2022). Default 1. */
  version?: 1 | 2;
  embedDims: Quad;
  numHeads: Quad;
  mlpRatios: Quad;
  depths: Quad;
  /** Attention of each stage (or one for all); default PVT's own `{ name: 'spatial-reduction', srRatio }` with srRatios. */
  attention?: AttentionChoice | AttentionChoice[];
  /** K/V reduction of the default attention (official `sr_ratios`). Default [8, 4, 2, 1]. */
  srRatios?: Quad;
  qkvBias?: boolean;
  /** PVT v1: a class token in the last stage, classified from it (the PVT paper's models). Default false. */
  clsToken?: boolean;
  /**
   * PVT v1: apply the final `norm` before pooling. Default true; FLatten-PVT defines the norm
   * but never applies it (its forward has the line commented out), so its configs set false.
   */
  finalNorm?: boolean;
  /** LayerNorm ε of blocks and the final norms. Default 1e-6 (`partial(nn.LayerNorm, eps=1e-6)`). */
  layerNormEpsilon?: number;
  /**
   * LayerNorm ε of the patch embeddings. Default 1e-5: both official `PatchEmbed`s use `nn.LayerNorm(embed_dim)`;
   * FLatten-PVT's passes the model's `norm_layer` (1e-6), which its configs set.
   */
  patchEmbedEpsilon?: number;
}

const STAGES = [0, 1, 2, 3] as const;

/**
 * PVT v1 / v2: four stages of patch embedding + blocks on a shrinking token grid (strides 4, 8, 16, 32).
 * v1 (`pvt.py`, `flatten_pvt.py`): non-overlapping Conv(k = s = 4, then 2) + LayerNorm, a learned
 * `pos_embed{i}` per stage, optional class token in stage 4. v2 (`pvt_v2.py`, `flatten_pvt_v2.py`):
 * overlapping Conv(7/4, then 3/2) + LayerNorm, conv feed-forward blocks, `norm{i}` after each stage,
 * mean pooling. Tokens move between stages as NHWC maps.
 */
export class Pvt extends Backbone {
  static className = 'AttentionZoo>Pvt';
  readonly cfg: Required<Omit<PvtConfig, keyof BackboneBaseConfig | 'attention'>> & { attention: AttentionChoice[] };

  constructor(config: PvtConfig) {
    super(config, 'pvt');
    const version = config.version ?? 1;
    const srRatios = config.srRatios ?? [8, 4, 2, 1];
    const att = config.attention ?? STAGES.map((i) => ({ name: 'spatial-reduction', srRatio: srRatios[i] }));
    for (const key of ['embedDims', 'numHeads', 'mlpRatios', 'depths'] as const) {
      const v = config[key];
      if (!Array.isArray(v) || v.length !== 4) throw new AttentionConfigError(`${this.who}: ${key} must list 4 stages, got ${JSON.stringify(v)}`);
    }
    const attention = this.attentionPer(att, 4, 'stage');
    if (version !== 1 && version !== 2) throw new AttentionConfigError(`${this.who}: version must be 1 or 2, got ${JSON.stringify(version)}`);
    const clsToken = config.clsToken ?? false;
    if (clsToken && version === 2) throw new AttentionConfigError(`${this.who}: PVTv2 has no class token`);
    this.cfg = {
      version,
      embedDims: config.embedDims,
      numHeads: config.numHeads,
      mlpRatios: config.mlpRatios,
      depths: config.depths,
      srRatios,
      attention,
      qkvBias: config.qkvBias ?? true,
      clsToken,
      finalNorm: config.finalNorm ?? true,
      layerNormEpsilon: config.layerNormEpsilon ?? 1e-6,
      patchEmbedEpsilon: config.patchEmbedEpsilon ?? 1e-5,
    };
    for (const i of STAGES) {
      const s = this.grid(i);
      if (s < 1) throw new AttentionConfigError(`${this.who}: imageSize ${this.imageSize} leaves no tokens in stage ${i + 1}`);
    }
  }

  /** Patch embedding of stage i: [kernel, stride, padding] (v1 non-overlapping, v2 overlapping). */
  private embedGeometry(i: number): [number, number, number] {
    if (this.cfg.version === 2) return i === 0 ? [7, 4, 3] : [3, 2, 1];
    return i === 0 ? [4, 4, 0] : [2, 2, 0];
  }

  /** Side of the stage-i token grid. */
  grid(i: number): number {
    let s = this.imageSize;
    for (let j = 0; j <= i; j++) {
      const [k, st, p] = this.embedGeometry(j);
      s = convOut(s, k, st, p);
    }
    return s;
  }

  private clsIn(i: number): number {
    return this.cfg.clsToken && i === 3 ? 1 : 0;
  }

  numFeatures(): number {
    return this.cfg.embedDims[3];
  }

  protected modelConfig(): Record<string, unknown> {
    return { ...this.cfg };
  }

  protected buildParts(): void {
    const { embedDims: dims, depths, numHeads, mlpRatios, version, layerNormEpsilon } = this.cfg;
    const dpr = this.dropPaths(depths.reduce((a, b) => a + b, 0));
    let inC = 3;
    let cur = 0;
    for (const i of STAGES) {
      const c = dims[i];
      const [k] = this.embedGeometry(i);
      const g = this.grid(i);
      this.addPath(`patch_embed${i + 1}/proj/kernel`, [k, k, inC, c]);
      this.addPath(`patch_embed${i + 1}/proj/bias`, [c]);
      this.addPath(`patch_embed${i + 1}/norm/gamma`, [c], 'ones');
      this.addPath(`patch_embed${i + 1}/norm/beta`, [c], 'zeros');
      const cls = this.clsIn(i);
      if (version === 1) this.addPath(`pos_embed${i + 1}`, [g * g + cls, c], 'truncNormal02');
      if (cls) this.addPath('cls_token', [1, c], 'truncNormal02');
      for (let j = 0; j < depths[i]; j++) {
        this.addStageBlock({
          choice: this.cfg.attention[i]!, stage: i, index: j, where: `stage ${i + 1} block ${j}`, path: `block${i + 1}/${j}/`, key: `block${i + 1}.${j}.`,
          name: `${this.name}_block${i + 1}_${j}`, dim: c, numHeads: numHeads[i], grid: [g, g], clsTokens: cls, qkvBias: this.cfg.qkvBias,
          mlpRatio: mlpRatios[i], dropPath: dpr[cur++]!, layerNormEpsilon, block: version === 2 ? convFfnBlock([g, g]) : undefined,
        });
      }
      if (version === 2) {
        this.addPath(`norm${i + 1}/gamma`, [c], 'ones');
        this.addPath(`norm${i + 1}/beta`, [c], 'zeros');
      }
      inC = c;
    }
    if (version === 1) {
      this.addPath('norm/gamma', [dims[3]], 'ones');
      this.addPath('norm/beta', [dims[3]], 'zeros');
    }
    this.addHead(dims[3]);
  }

  protected forward(images: tf.Tensor4D, training: boolean, tap?: FeatureTap): tf.Tensor2D {
    const { embedDims: dims, version, layerNormEpsilon, patchEmbedEpsilon: embedEps } = this.cfg;
    let map: tf.Tensor4D = images;
    let x: tf.Tensor3D | undefined;
    for (const i of STAGES) {
      const c = dims[i];
      const [, stride, pad] = this.embedGeometry(i);
      const y = conv2dTorch(map, this.w(`patch_embed${i + 1}/proj/kernel`) as tf.Tensor4D, this.w(`patch_embed${i + 1}/proj/bias`) as tf.Tensor1D, stride, pad);
      const [b, h, w] = y.shape;
      x = layerNorm(tf.reshape(y, [b, h * w, c]), this.w(`patch_embed${i + 1}/norm/gamma`) as tf.Tensor1D, this.w(`patch_embed${i + 1}/norm/beta`) as tf.Tensor1D, embedEps) as tf.Tensor3D;
      if (this.clsIn(i)) x = tf.concat([tf.tile(tf.expandDims(this.w('cls_token'), 0), [b, 1, 1]), x], 1) as tf.Tensor3D;
      if (version === 1) x = tf.add(x, this.w(`pos_embed${i + 1}`)) as tf.Tensor3D; // pos_drop: rate 0 in every released config
      x = this.runStage(x, i, training);
      if (version === 2) x = layerNorm(x, this.w(`norm${i + 1}/gamma`) as tf.Tensor1D, this.w(`norm${i + 1}/beta`) as tf.Tensor1D, layerNormEpsilon) as tf.Tensor3D;
      // each stage's map (PVTv2 after its norm{i}, as timm's forward_intermediates; the class token dropped)
      tap?.(i, this.clsIn(i) ? (tf.slice(x, [0, 1, 0], [-1, -1, -1]) as tf.Tensor3D) : x, [h, w]);
      if (i < 3) map = tf.reshape(x, [b, h, w, c]) as tf.Tensor4D;
    }
    let feats: tf.Tensor3D = x!;
    if (version === 1 && this.cfg.finalNorm) feats = layerNorm(feats, this.w('norm/gamma') as tf.Tensor1D, this.w('norm/beta') as tf.Tensor1D, layerNormEpsilon) as tf.Tensor3D;
    const pooled = this.cfg.clsToken ? (tf.squeeze(tf.slice(feats, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D) : (tf.mean(feats, 1) as tf.Tensor2D);
    return this.head(pooled);
  }

  torchKeyMap(): StateDictKeyMap {
    this.ensureBuilt();
    const map: StateDictKeyMap = {};
    const { version } = this.cfg;
    for (const i of STAGES) {
      Object.assign(map, convKeys(`patch_embed${i + 1}.proj`, `patch_embed${i + 1}/proj`), layerNormKeys(`patch_embed${i + 1}.norm`, `patch_embed${i + 1}/norm`));
      if (version === 1) map[`pos_embed${i + 1}`] = { to: `pos_embed${i + 1}`, transform: squeezeTo(2) };
      if (this.clsIn(i)) map['cls_token'] = { to: 'cls_token', transform: squeezeTo(2) };
      if (version === 2) Object.assign(map, layerNormKeys(`norm${i + 1}`, `norm${i + 1}`));
    }
    Object.assign(map, this.blockKeyMap());
    // FLatten-PVT keeps the unused final norm in its state_dict: it is loaded (and counted) here too
    if (version === 1) Object.assign(map, layerNormKeys('norm', 'norm'));
    if (this.numClasses > 0) Object.assign(map, linearKeys('head', 'head'));
    return map;
  }

  featureShapes(): [number, number, number][] {
    return STAGES.map((i) => [this.grid(i), this.grid(i), this.cfg.embedDims[i]]);
  }

  /** PVT v1: the official names only (timm has no PVT v1); PVTv2: official or timm's. */
  protected torchNamings(): TorchNaming[] {
    if (this.cfg.version === 1) return [officialNaming('whai362/PVT classification/pvt.py, LeapLabTHU/FLatten-Transformer models/flatten_pvt.py')];
    return [officialNaming('whai362/PVT classification/pvt_v2.py, LeapLabTHU/FLatten-Transformer models/flatten_pvt_v2.py'), TIMM_PVT_V2];
  }

  /** PVT v1's `pos_embed{i}`, resampled bilinearly as the official `_get_pos_embed` does at another size. */
  protected override positionEmbedding(key: string): PositionEmbeddingGeometry | undefined {
    const m = /^pos_embed(\d)$/.exec(key);
    if (!m || this.cfg.version !== 1) return undefined;
    const i = +m[1]! - 1;
    return { grid: [this.grid(i), this.grid(i)], prefixTokens: this.clsIn(i), interpolation: { mode: 'bilinear', antialias: false } };
  }

  flopTerms(): FlopTerm[] {
    this.ensureBuilt();
    const { embedDims: dims, mlpRatios, version } = this.cfg;
    const terms: FlopTerm[] = [];
    let inC = 3;
    for (const i of STAGES) {
      const [k] = this.embedGeometry(i);
      const g = this.grid(i);
      terms.push({ part: `patch_embed${i + 1}`, flops: g * g * dims[i] * inC * k * k });
      inC = dims[i];
    }
    for (const b of this.blocks) {
      const { stage, dim: c, tokens: n } = b.spec;
      const hidden = Math.round(c * mlpRatios[stage]!);
      terms.push({ part: `block${stage + 1} attention`, flops: this.attentionFlops(b) });
      terms.push({ part: `block${stage + 1} mlp`, flops: 2 * n * c * hidden + (version === 2 ? 9 * n * hidden : 0) });
    }
    if (this.numClasses > 0) terms.push({ part: 'head', flops: dims[3] * this.numClasses });
    return terms;
  }
}

registerLayerClass(Pvt);
