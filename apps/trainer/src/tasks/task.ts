import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../config.js';
import type { EncoderOptions } from '../models/encoder.js';

/** A label that takes no part in the loss or the accuracy (a position with nothing to predict). */
export const IGNORE_LABEL = -1;

/**
 * One split: `n` examples, inputs flattened example-major. `y` holds one label per example,
 * or — for tasks labelled per position, like MQAR — the same number L of labels per example
 * (y.length = n·L, the model's logits `[batch, L, classes]`), with `IGNORE_LABEL` where there is
 * nothing to predict.
 */
export interface Examples {
  x: Float32Array | Int32Array;
  y: Int32Array;
  n: number;
}

export interface PreparedTask {
  train: Examples;
  validation: Examples;
  test: Examples;
  /** Shape of one example, e.g. [28, 28, 1] or [tokens]. */
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  /** Class names, index = label. */
  classes: string[];
  /** Token strings, index = id (sequence tasks). */
  vocabulary?: string[];
  /** How raw inputs become model inputs (for the export metadata). */
  preprocessing: string;
  /** One line for the run header. */
  describe: string;
  buildModel(encoder: EncoderOptions): tfl.LayersModel;
}

export interface TaskSpec {
  name: string;
  summary: string;
  /** The model it trains, in words (for --help). */
  model: string;
  /** Whether the encoder is causal (the attention must have a causal form). */
  causal: boolean;
  /**
   * Whether the model passes a key-padding mask to every attention (the padded, masked
   * long-range tasks): the attention must then take one (`capabilities.keyPaddingMask`).
   */
  keyPaddingMask?: boolean;
  /** Task defaults over BASE_CONFIG. */
  defaults: Partial<Omit<TrainConfig, 'data'>> & { data?: Partial<TrainConfig['data']> };
  /** The task's whole splits and model for a config (`prepareTask` applies the split limits). */
  prepare(config: TrainConfig): Promise<PreparedTask>;
}

/** The class names of the digit-valued tasks (MNIST, ListOps). */
export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The first `max` examples of a split (0 = all). */
export function limit(e: Examples, max: number): Examples {
  if (!max || max >= e.n) return e;
  const per = e.x.length / e.n;
  const labels = e.y.length / e.n;
  return { x: e.x.subarray(0, max * per) as Examples['x'], y: e.y.subarray(0, max * labels), n: max };
}
