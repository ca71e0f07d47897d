import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AttentionLayer, defineCapabilities, registerAttention, type AttentionCapabilities, type MixContext } from '@attention-zoo/attention-core';
import { configFromArgs, parseArgs, type TrainConfig } from '../src/index.js';

/** A tiny ListOps config: trains in about a second per few steps on the cpu backend. */
export function tinyConfig(extra: string[] = [], attention = 'softmax'): TrainConfig {
  const flags = new Map<string, string>();
  const base = [
    '--task', 'listops', '--examples', '96,32,32', '--min-length', '4', '--max-length', '24',
    '--dim', '16', '--depth', '1', '--heads', '2', '--batch', '16', '--steps', '8', '--lr', '0.003', '--warmup', '1',
    '--log-every', '1', '--eval-every', '4', '--checkpoint-every', '2', ...extra,
  ];
  for (let i = 0; i < base.length; i += 2) flags.set(base[i]!, base[i + 1]!); // later flags win
  return configFromArgs(parseArgs([...flags].flat()), attention, 'cpu');
}

export const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), `trainer-${name}-`)), 'run');

/** Test attentions: every query takes the mean of the values (registered, trainable variants). */
class MeanValues extends AttentionLayer {
  protected override mix(_q: tf.Tensor4D, _k: tf.Tensor4D, v: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
    return tf.tidy(() => tf.add(tf.zerosLike(v), tf.mean(v, 2, true)) as tf.Tensor4D);
  }
}

const registered = new Set<string>();

/** Registers the mean-of-values attention as `name` with these capabilities (once per name); returns the name. */
export function registerMeanValues(name = 'test-mean-values', capabilities: Partial<AttentionCapabilities> = {}): string {
  if (registered.has(name)) return name;
  const layer = class extends MeanValues {
    static className = `TrainerTest>${name.replace(/(^|-)(\w)/g, (_, _d, c: string) => c.toUpperCase())}`; // test-grid → TestGrid
    static override capabilities = defineCapabilities(capabilities);
  };
  registerAttention({
    name,
    family: 'test',
    summary: 'mean of the values (trainer test)',
    paper: { title: 'none', authors: 'test', year: 2024, url: 'https://example.invalid' },
    layer,
    options: {},
    complexity: { time: 'O(N·d)', memory: 'O(N·d)' },
    cost: ({ tokens, dim }) => ({ flops: tokens * dim, activationBytes: 4 * tokens * dim }),
  });
  registered.add(name);
  return name;
}
