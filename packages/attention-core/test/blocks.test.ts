import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  createAttention,
  RegistryError,
  TransformerBlock,
  TransformerEncoder,
} from '@attention-zoo/attention-core';
import { gelu } from '@attention-zoo/attention-core/ops';
import { denseSoftmaxReference } from '@attention-zoo/attention-core/testing';
import { expectClose, useBackend } from '@attention-zoo/test-utils';

describe('TransformerBlock and TransformerEncoder', () => {
  beforeAll(() => useBackend('cpu'));
  const dim = 16;

  it('a block computes x + Attn(LN(x)), then + MLP(LN(·)), checked against independent pieces', async () => {
    const block = new TransformerBlock({ dim, numHeads: 2, mlpRatio: 2, layerNormEpsilon: 1e-6, seed: 1 });
    const x = tf.randomNormal([2, 6, dim], 0, 1, 'float32', 2) as tf.Tensor3D;
    const y = block.apply(x) as tf.Tensor;
    // tfjs-layers' own LayerNormalization with the block's parameters.
    const ln = (name: string) => {
      const l = tfl.layers.layerNormalization({ epsilon: 1e-6 });
      l.apply(x);
      l.setWeights([block.weight(`${name}/gamma`).read(), block.weight(`${name}/beta`).read()]);
      return l;
    };
    const h1 = ln('norm1').apply(x) as tf.Tensor3D;
    const a = await denseSoftmaxReference(block.attn, h1);
    const r1 = tf.add(x, a);
    const h2 = ln('norm2').apply(r1) as tf.Tensor;
    const w = (p: string) => block.weight(p).read();
    const fc1 = tf.add(tf.matMul(tf.reshape(h2, [-1, dim]), w('mlp/fc1/kernel') as tf.Tensor2D), w('mlp/fc1/bias'));
    const erfGelu = tf.mul(tf.mul(fc1, 0.5), tf.add(1, tf.erf(tf.div(fc1, Math.SQRT2))));
    const fc2 = tf.add(tf.matMul(erfGelu as tf.Tensor2D, w('mlp/fc2/kernel') as tf.Tensor2D), w('mlp/fc2/bias'));
    await expectClose(y, tf.add(r1, tf.reshape(fc2, [2, 6, dim])), { atol: 1e-4 });
    expect(block.weightPaths()).toEqual([
      'norm1/gamma', 'norm1/beta', 'norm2/gamma', 'norm2/beta',
      'mlp/fc1/kernel', 'mlp/fc1/bias', 'mlp/fc2/kernel', 'mlp/fc2/bias',
      'attn/q/kernel', 'attn/q/bias', 'attn/k/kernel', 'attn/k/bias', 'attn/v/kernel', 'attn/v/bias', 'attn/out/kernel', 'attn/out/bias',
    ]);
  });

  it('gelu is the exact erf form (PyTorch nn.GELU)', async () => {
    const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
    // Φ(x) values from the standard normal table.
    const phi = [0.0013499, 0.1586553, 0.3085375, 0.5, 0.6914625, 0.8413447, 0.9986501];
    await expectClose(gelu(tf.tensor1d(xs)), xs.map((x, i) => x * phi[i]!), { atol: 1e-5 });
  });

  it('an encoder with a different attention per block saves and reloads through tf.io handlers', async () => {
    const encoder = new TransformerEncoder({
      dim, numHeads: 4, depth: 2, seed: 3, attention: ['softmax', { name: 'softmax', scale: 0.5 }], causal: true,
    });
    const inp = tfl.input({ shape: [7, dim] });
    const model = tfl.model({ inputs: inp, outputs: encoder.apply(inp) as tfl.SymbolicTensor });
    const names = model.weights.map((w) => w.originalName);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(`${encoder.name}/blocks/1/attn/q/kernel`);
    expect(encoder.weight('blocks/1/attn/out/bias').shape).toEqual([dim]);
    expect((encoder.blocks[1]!.attn as unknown as { scale: number }).scale).toBe(0.5);
    const x = tf.randomNormal([2, 7, dim], 0, 1, 'float32', 4);
    const y = model.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    await expectClose(loaded.predict(x) as tf.Tensor, y, { atol: 1e-6 });
    const reloaded = loaded.layers[1] as TransformerEncoder;
    expect(reloaded.blocks.map((b) => b.attn.causal)).toEqual([true, true]);
    expect((reloaded.blocks[1]!.attn as unknown as { scale: number }).scale).toBe(0.5);
  });

  it('gradients reach every weight of the encoder, and drop-path only acts in training', async () => {
    const encoder = new TransformerEncoder({ dim, numHeads: 2, depth: 3, dropPathRate: 0.5 });
    const x = tf.randomNormal([4, 5, dim], 0, 1, 'float32', 5) as tf.Tensor3D;
    const eval1 = encoder.apply(x) as tf.Tensor;
    await expectClose(encoder.apply(x) as tf.Tensor, eval1, { atol: 0, rtol: 0 });
    const outs = await Promise.all([0, 1, 2].map(() => (encoder.apply(x, { training: true }) as tf.Tensor).data()));
    expect(outs.some((o) => o.some((v, i) => v !== outs[0]![i]))).toBe(true);
    const vars = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(vars).toHaveLength(3 * 16 + 2);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(encoder.apply(x) as tf.Tensor)) as tf.Scalar, vars);
    for (const v of vars) expect((await tf.sum(tf.abs(grads[v.name]!)).data())[0]).toBeGreaterThan(0);
  });

  it('takes an attention instance, and rejects mismatches with clear errors', () => {
    const attn = createAttention('softmax', { dim, numHeads: 4 });
    const block = new TransformerBlock({ dim, numHeads: 4, attention: attn });
    expect(block.attn).toBe(attn);
    expect(() => new TransformerBlock({ dim: 32, numHeads: 4, attention: attn })).toThrow(/the attention has dim 16, the block has dim 32/);
    expect(() => new TransformerBlock({ dim, numHeads: 4, attention: 'no-such-attention' })).toThrow(RegistryError);
    expect(() => new TransformerBlock({ dim, numHeads: 4, attention: 'no-such-attention' })).toThrow(/unknown attention 'no-such-attention'; registered: .*softmax/);
    expect(() => new TransformerEncoder({ dim, numHeads: 4, depth: 3, attention: ['softmax'] })).toThrow(/lists 1 entries for depth 3/);
    expect(() => new TransformerBlock({ dim, numHeads: 3 })).toThrow(AttentionConfigError);
    expect(() => new TransformerBlock({ dim, numHeads: 4, dropPath: 1 })).toThrow(/dropPath must be in \[0, 1\)/);
  });

  it("seedCounter: a block set to another's count draws the same dropout masks on its next call (resumed training)", async () => {
    const make = () => new TransformerBlock({ dim: 8, numHeads: 2, mlpRatio: 2, mlpDropout: 0.5, dropout: 0.5, seed: 7 });
    const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1) as tf.Tensor3D;
    const run = (b: TransformerBlock) => (b.apply(x, { training: true }) as tf.Tensor).data();
    const a = make();
    await run(a);
    const second = await run(a);
    const b = make(); // same seed: same initial weights
    expect(Array.from(await run(b))).not.toEqual(Array.from(second)); // a fresh count draws the first call's masks
    b.seedCounter = 1;
    b.attn.seedCounter = a.attn.seedCounter - 1;
    expect(Array.from(await run(b))).toEqual(Array.from(second));
    expect([b.seedCounter, b.attn.seedCounter]).toEqual([a.seedCounter, a.attn.seedCounter]);
    expect(() => (b.seedCounter = -1)).toThrow(/seedCounter must be a non-negative integer/);
    expect(() => (b.attn.seedCounter = 1.5)).toThrow(/seedCounter must be a non-negative integer/);
  });
});

describe('embeddings', () => {
  it('PositionEmbedding and TokenEmbedding round-trip through tf.io and name bad input', async () => {
    await useBackend('cpu');
    const { PositionEmbedding, TokenEmbedding } = await import('@attention-zoo/attention-core');
    const ids = tfl.input({ shape: [5], dtype: 'int32' });
    const h = new PositionEmbedding({ tokens: 5, dim: 8, seed: 1 }).apply(new TokenEmbedding({ vocab: 11, dim: 8, seed: 2 }).apply(ids)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: ids, outputs: h });
    const x = tf.tensor2d([[1, 2, 3, 4, 10]], [1, 5], 'int32');
    const before = await (model.predict(x) as tf.Tensor).data();
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    expect(Array.from(await (loaded.predict(x) as tf.Tensor).data())).toEqual(Array.from(before));
    expect(() => new PositionEmbedding({ tokens: 0, dim: 8 })).toThrow(/tokens must be a positive integer/);
    expect(() => new PositionEmbedding({ tokens: 4, dim: 8 }).apply(tf.zeros([1, 5, 8]))).toThrow(/input must be \[batch, 4, 8\]/);
  });
});
