import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { defaultLayerName, descriptorOf, type AttentionBlock, type AttentionLayer, type BlockSpec } from '@attention-zoo/attention-core';
import { dense, depthwiseConv2dSame, dropPath, gelu, layerNorm } from '@attention-zoo/attention-core/ops';
import { nestKeyMap, timmBlockKeyMap, torch, type StateDictKeyMap } from '@attention-zoo/attention-core/weights';

type Shape = (number | null)[];

export interface ConvFfnBlockConfig {
  dim: number;
  /** Token grid [H, W] of the depthwise conv in the MLP. */
  grid: [number, number];
  /** A built-or-unbuilt attention layer of width `dim`. */
  attention: AttentionLayer;
  /** Default 4. */
  mlpRatio?: number;
  dropPath?: number;
  /** Default 1e-6 (PVTv2 `norm_layer`). */
  layerNormEpsilon?: number;
  seed?: number;
  name?: string;
}

/**
 * PVTv2's block (Wang et al. 2022, Eq. 1; official `pvt_v2.Block`): x + attn(LN(x)), then
 * x + fc2(GELU(DWConv3×3(fc1(LN(x))))), the convolutional feed-forward that gives PVTv2
 * its positional information. Weights: `norm1/*`, `attn/*`, `norm2/*`, `mlp/fc1/*`,
 * `mlp/dwconv/kernel [3, 3, hidden, 1]`, `mlp/dwconv/bias`, `mlp/fc2/*`.
 */
export class ConvFfnBlock extends layers.Layer {
  static className = 'AttentionZoo>ConvFfnBlock';
  readonly dim: number;
  readonly grid: [number, number];
  readonly attn: AttentionLayer;
  readonly mlpRatio: number;
  readonly dropPathRate: number;
  readonly layerNormEpsilon: number;
  private prefix = '';
  private readonly byPath = new Map<string, LayerVariable>();
  private readonly seed: number | undefined;
  private initCount = 0;

  constructor(config: ConvFfnBlockConfig) {
    super({ name: config.name ?? defaultLayerName('conv_ffn_block') });
    this.dim = config.dim;
    this.grid = config.grid;
    this.attn = config.attention;
    this.mlpRatio = config.mlpRatio ?? 4;
    this.dropPathRate = config.dropPath ?? 0;
    this.layerNormEpsilon = config.layerNormEpsilon ?? 1e-6;
    this.seed = config.seed;
  }

  setWeightPrefix(prefix: string): void {
    this.prefix = prefix;
  }

  private add(path: string, shape: number[], init: 'ones' | 'zeros' | 'glorot'): void {
    const seed = this.seed === undefined ? undefined : this.seed + 7919 * this.initCount++;
    const i = init === 'ones' ? initializers.ones() : init === 'zeros' ? initializers.zeros() : initializers.glorotUniform({ seed });
    this.byPath.set(path, this.addWeight(this.prefix + path, shape, 'float32', i, undefined, true));
  }

  weight(path: string): LayerVariable {
    if (path.startsWith('attn/')) return this.attn.weight(path.slice(5));
    const w = this.byPath.get(path);
    if (!w) throw new Error(`ConvFfnBlock '${this.name}': no weight '${path}'`);
    return w;
  }

  weightPaths(): string[] {
    return [...this.byPath.keys(), ...this.attn.weightPaths().map((p) => `attn/${p}`)];
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = this.dim;
    const hidden = Math.round(d * this.mlpRatio);
    this.add('norm1/gamma', [d], 'ones');
    this.add('norm1/beta', [d], 'zeros');
    this.attn.setWeightPrefix(`${this.prefix}attn/`);
    this.attn.build(inputShape);
    this.add('norm2/gamma', [d], 'ones');
    this.add('norm2/beta', [d], 'zeros');
    this.add('mlp/fc1/kernel', [d, hidden], 'glorot');
    this.add('mlp/fc1/bias', [hidden], 'zeros');
    this.add('mlp/dwconv/kernel', [3, 3, hidden, 1], 'glorot');
    this.add('mlp/dwconv/bias', [hidden], 'zeros');
    this.add('mlp/fc2/kernel', [hidden, d], 'glorot');
    this.add('mlp/fc2/bias', [d], 'zeros');
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    if (!this.trainable) return [];
    return [...(Reflect.get(layers.Layer.prototype, 'trainableWeights', this) as LayerVariable[]), ...this.attn.trainableWeights];
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return [...(Reflect.get(layers.Layer.prototype, 'nonTrainableWeights', this) as LayerVariable[]), ...this.attn.nonTrainableWeights];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    const training = kwargs['training'] === true;
    return tf.tidy(() => {
      const r = (p: string) => this.weight(p).read();
      const ln = (t: tf.Tensor, n: string) => layerNorm(t, r(`${n}/gamma`) as tf.Tensor1D, r(`${n}/beta`) as tf.Tensor1D, this.layerNormEpsilon);
      const y = tf.add(x, dropPath(this.attn.call(ln(x, 'norm1'), kwargs) as tf.Tensor, this.dropPathRate, training));
      const [b, n] = x.shape;
      const [h, w] = this.grid;
      let m = dense(ln(y, 'norm2'), r('mlp/fc1/kernel') as tf.Tensor2D, r('mlp/fc1/bias') as tf.Tensor1D);
      const hidden = m.shape[2]!;
      m = tf.add(depthwiseConv2dSame(tf.reshape(m, [b, h, w, hidden]) as tf.Tensor4D, r('mlp/dwconv/kernel') as tf.Tensor4D), r('mlp/dwconv/bias'));
      m = dense(gelu(tf.reshape(m, [b, n, hidden])), r('mlp/fc2/kernel') as tf.Tensor2D, r('mlp/fc2/bias') as tf.Tensor1D);
      return tf.add(y, dropPath(m, this.dropPathRate, training));
    });
  }

  /** Official block keys besides the attention's: timm's `norm1`, `norm2`, `mlp.fc1`, `mlp.fc2`, and `mlp.dwconv.dwconv`. */
  static torchKeyMap(): StateDictKeyMap {
    return {
      ...timmBlockKeyMap(),
      'mlp.dwconv.dwconv.weight': { to: 'mlp/dwconv/kernel', transform: torch.depthwiseConv2d },
      'mlp.dwconv.dwconv.bias': 'mlp/dwconv/bias',
    };
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, grid: this.grid, mlpRatio: this.mlpRatio, dropPath: this.dropPathRate, layerNormEpsilon: this.layerNormEpsilon };
  }
}

/**
 * PVTv2's block around `attn` on grid `[H, W]`, as a backbone builds its blocks (a `makeBlock` for
 * PVTv2): the official keys are the block's and the attention's from its descriptor (under its
 * `torchKeyPrefix`, default `attn.`), the buffers those the descriptor names.
 */
export function convFfnBlock(grid: [number, number]) {
  return (attn: AttentionLayer, spec: BlockSpec): AttentionBlock => {
    const d = descriptorOf(attn);
    const inner = d.torchKeyMap?.(attn);
    return {
      layer: new ConvFfnBlock({ ...spec, grid, attention: attn }),
      attn,
      torchKeyMap: inner && { ...ConvFfnBlock.torchKeyMap(), ...nestKeyMap(inner, d.torchKeyPrefix ?? 'attn.', 'attn/') },
      torchBuffers: d.torchBuffers?.(attn) ?? {},
    };
  };
}
