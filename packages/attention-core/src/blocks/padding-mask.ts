import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { registerLayerClass } from '../registry.js';
import { defaultLayerName } from './layer-name.js';

export interface PaddingMaskConfig {
  /** The id that marks padding; default 0. */
  padId?: number;
  name?: string;
}

/**
 * Token ids `[batch, tokens]` → the key-padding mask `[batch, tokens]` (1 = real token,
 * 0 = `padId`), as float 0/1 so a functional model can feed it to encoders and pooling
 * (`encoder.apply([x, mask])`, `new SequencePool(...).apply([x, mask])`). `AttentionZoo>PaddingMask`.
 */
export class PaddingMask extends layers.Layer {
  static className = 'AttentionZoo>PaddingMask';
  readonly padId: number;

  constructor(config: PaddingMaskConfig = {}) {
    super({ name: config.name ?? defaultLayerName('padding_mask') });
    this.padId = config.padId ?? 0;
  }

  override computeOutputShape(inputShape: (number | null)[] | (number | null)[][]): (number | null)[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.cast(tf.notEqual(tf.cast(ids, 'int32'), this.padId), 'float32'));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), padId: this.padId };
  }
}

registerLayerClass(PaddingMask);
