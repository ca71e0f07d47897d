import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { AttentionConfigError } from '../errors.js';

/**
 * The most elements one weight may hold: 2²⁸ (1 GiB of float32). A weight sized by an option
 * (maxTokens², features × headDim …) beyond it is refused before anything is allocated,
 * instead of exhausting memory.
 */
export const MAX_WEIGHT_ELEMENTS = 2 ** 28;

export type Initializer = ReturnType<typeof initializers.zeros>;
export type InitSpec = 'glorotUniform' | 'zeros' | 'ones' | Initializer | ((seed: number | undefined) => Initializer);

type AddWeight = (
  name: string,
  shape: number[],
  dtype: 'float32',
  initializer: Initializer,
  regularizer: undefined,
  trainable: boolean,
) => LayerVariable;

/**
 * Weights addressed by path (`q/kernel`, `mlp/fc1/bias`, `blocks/0/attn/q/kernel`).
 *
 * tfjs names a weight by the name scope active when it is created; a layer
 * built inside another layer's `build` has no scope of its own, so nested
 * layers take a path prefix from their parent instead. That keeps every weight
 * name in a model unique and stable, which `model.save` / `loadLayersModel` rely on.
 */
export class PathWeights {
  private prefix = '';
  private readonly byPath = new Map<string, LayerVariable>();
  private count = 0;

  constructor(
    private readonly who: () => string,
    private readonly addWeight: AddWeight,
    private readonly seed: number | undefined,
  ) {}

  setPrefix(prefix: string): void {
    this.prefix = prefix;
  }

  getPrefix(): string {
    return this.prefix;
  }

  /** Kernels default to Glorot-uniform, everything else to zeros; seeded when a seed is configured. */
  add(path: string, shape: number[], init?: InitSpec, trainable = true): LayerVariable {
    // +1: tfjs's normal and truncated-normal generators treat a seed of 0 as no seed at all.
    const size = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || size > MAX_WEIGHT_ELEMENTS) {
      throw new AttentionConfigError(
        `${this.who()}: weight '${path}' would have shape [${shape.join(', ')}] (${size.toExponential(2)} values), over the ${MAX_WEIGHT_ELEMENTS.toExponential(2)}-value limit of one weight; reduce the options that size it`,
      );
    }
    const seed = this.seed === undefined ? undefined : this.seed + 7919 * this.count++ + 1;
    const spec = init ?? (path.endsWith('kernel') ? 'glorotUniform' : 'zeros');
    let initializer: Initializer;
    if (spec === 'glorotUniform') initializer = initializers.glorotUniform({ seed });
    else if (spec === 'zeros') initializer = initializers.zeros();
    else if (spec === 'ones') initializer = initializers.ones();
    else if (typeof spec === 'function') initializer = spec(seed);
    else initializer = spec;
    const w = this.addWeight(this.prefix + path, shape, 'float32', initializer, undefined, trainable);
    this.byPath.set(path, w);
    return w;
  }

  get(path: string): LayerVariable {
    const w = this.byPath.get(path);
    if (!w) {
      const known = [...this.byPath.keys()].join(', ') || '(none: the layer is not built yet)';
      throw new Error(`${this.who()}: no weight '${path}'; this layer has: ${known}`);
    }
    return w;
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** Forgets every weight (after a failed build; the layer disposes the variables). */
  clear(): void {
    this.byPath.clear();
    this.count = 0;
  }
}

/** The weights a layer created itself (tf.layers.Layer's own getters, skipping subclass overrides). */
export function ownWeights(layer: object, which: 'trainableWeights' | 'nonTrainableWeights'): LayerVariable[] {
  return Reflect.get(layers.Layer.prototype, which, layer) as LayerVariable[];
}

/** trainable / non-trainable weights of a composite layer: its own, then its children's. */
export function compositeWeights(
  layer: { trainable: boolean },
  children: readonly { trainableWeights: LayerVariable[]; nonTrainableWeights: LayerVariable[]; weights: LayerVariable[] }[],
  which: 'trainableWeights' | 'nonTrainableWeights',
): LayerVariable[] {
  if (which === 'trainableWeights') {
    return layer.trainable ? [...ownWeights(layer, which), ...children.flatMap((c) => c.trainableWeights)] : [];
  }
  if (layer.trainable) return [...ownWeights(layer, which), ...children.flatMap((c) => c.nonTrainableWeights)];
  // A frozen composite: everything, its own and its children's, is non-trainable.
  return [...ownWeights(layer, 'nonTrainableWeights'), ...children.flatMap((c) => c.weights)];
}
