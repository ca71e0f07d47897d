import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionInputError,
  createAttention,
  TransformerEncoder,
  type AttentionCallOptions,
  type AttentionLayer,
} from '@attention-zoo/attention-core';
import { scaledDotProductAttention } from '@attention-zoo/attention-core/ops';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, expectClose, testBackends } from '@attention-zoo/test-utils';
import { LinformerAttention, linformerAttention, SharedProjection, type LinformerSharing } from '../src/index.js';
import { aroundHeads, mat, type Mat, attend, weight } from '@attention-zoo/test-utils/float64';

/** Float64: softmax(Q (E K)ᵀ/√d)(F V) per head, padded rows of K, V zeroed, E's first M columns. */
async function linformerReference(layer: AttentionLayer, x: tf.Tensor3D, options: AttentionCallOptions): Promise<tf.Tensor3D> {
  const l = layer as LinformerAttention;
  const context = options.context ?? x;
  const m = context.shape[1];
  const mask = options.keyPaddingMask ? await options.keyPaddingMask.data() : null;
  const e = l.projection ? Float64Array.from(await l.projection.read('test').data()) : (await weight(layer, 'E'))!;
  const f = (await weight(layer, 'F')) ?? e;
  const n = l.maxTokens!;
  const perHead = l.sharing === 'none';
  const project = (p: Float64Array, head: number, src: Mat, b: number): Mat => {
    const y = mat(l.k, src.cols);
    const base = perHead ? head * l.k * n : 0;
    for (let r = 0; r < l.k; r++) {
      for (let j = 0; j < m; j++) {
        if (mask && mask[b * m + j] === 0) continue;
        for (let c = 0; c < src.cols; c++) y.a[r * src.cols + c] += p[base + r * n + j]! * src.a[j * src.cols + c]!;
      }
    }
    return y;
  };
  return aroundHeads(layer, x, (head, q, k, v, b) => attend(q!, project(e, head, k!, b), project(f, head, v, b), 1 / Math.sqrt(l.headDim)), context);
}

const SHARINGS: LinformerSharing[] = ['none', 'headwise', 'key-value', 'layerwise'];

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  for (const sharing of SHARINGS) {
    backendSuite(`linformer (sharing: ${sharing}) conformance`, backend, () => {
      for (const check of conformanceChecks({
        name: 'linformer',
        config: { dim: 16, numHeads: 2, maxTokens: 20, k: 5, sharing },
        tokens: 12,
        denseReference: linformerReference,
      })) {
        it(check.name, check.run);
      }
    });
  }

  backendSuite('linformer', backend, () => {
    it('with E = F = I (k = n) is exactly softmax attention', async () => {
      const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([2, 2, 8, 4], 0, 1, 'float32', s) as tf.Tensor4D);
      const eye = tf.eye(8) as tf.Tensor2D;
      await expectClose(linformerAttention(q!, k!, v!, { e: eye }), scaledDotProductAttention(q!, k!, v!), { atol: 1e-5 });
    });

    it('uses the first N columns of E for inputs shorter than maxTokens', async () => {
      const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 2, 6, 4], 0, 1, 'float32', s) as tf.Tensor4D);
      const e = tf.randomNormal([3, 10], 0, 1, 'float32', 4) as tf.Tensor2D;
      const want = linformerAttention(q!, k!, v!, { e: tf.slice(e, [0, 0], [3, 6]) as tf.Tensor2D });
      await expectClose(linformerAttention(q!, k!, v!, { e }), want, { atol: 1e-6 });
      // Changing columns past N changes nothing.
      const e2 = tf.concat([tf.slice(e, [0, 0], [3, 6]), tf.fill([3, 4], 100)], 1) as tf.Tensor2D;
      await expectClose(linformerAttention(q!, k!, v!, { e: e2 }), want, { atol: 1e-6 });
    });

    it('never forms an N×N matrix: every kernel output is at most N×k per head', async () => {
      const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 1, 64, 4], 0, 1, 'float32', s) as tf.Tensor4D);
      const e = tf.randomNormal([4, 64]) as tf.Tensor2D;
      const info = await tf.profile(() => linformerAttention(q!, k!, v!, { e }));
      const shapes = info.kernels.flatMap((kern) => kern.outputShapes);
      expect(shapes.length).toBeGreaterThan(3);
      for (const s of shapes) expect(s.reduce((a, c) => a * c, 1)).toBeLessThanOrEqual(64 * 4);
    });

    it('rejects bad projections and configs with clear errors', () => {
      const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 2, 12, 4], 0, 1, 'float32', s) as tf.Tensor4D);
      expect(() => linformerAttention(q!, k!, v!, { e: tf.ones([3, 10]) as tf.Tensor2D })).toThrow(AttentionInputError);
      expect(() => linformerAttention(q!, k!, v!, { e: tf.ones([3, 10]) as tf.Tensor2D })).toThrow(/12 keys but E covers only 10 positions/);
      expect(() => linformerAttention(q!, k!, v!, { e: tf.ones([3, 3, 12]) as tf.Tensor3D })).toThrow(/E has 3 heads but q, k, v have 2/);
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, k: 9 })).toThrow(AttentionConfigError);
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, k: 9 })).toThrow(/k 9 is larger than maxTokens 8/);
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, k: 0 })).toThrow(/option `k` = 0 is invalid: .*>=1/);
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, sharing: 'all' as never })).toThrow(/option `sharing` = "all" is invalid: .*"none"\|"headwise"\|"key-value"\|"layerwise"/);
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, causal: true })).toThrow(/no causal form/);
      const p = new SharedProjection({ k: 2, maxTokens: 8 });
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, k: 2, projection: p })).toThrow(/needs sharing: 'layerwise'/);
      expect(() => new LinformerAttention({ dim: 16, numHeads: 2, maxTokens: 8, k: 3, sharing: 'layerwise', projection: p })).toThrow(/shared projection is \[k=2, n=8\]/);
      expect(() => new SharedProjection({ k: 9, maxTokens: 8 })).toThrow(/k 9 is larger than maxTokens 8/);
    });

    it('layerwise: one E for every layer, trained once, saved once, re-linked on load', async () => {
      const shared = new SharedProjection({ k: 4, maxTokens: 12 });
      const spec = { name: 'linformer', k: 4, sharing: 'layerwise', projection: shared };
      const encoder = new TransformerEncoder({ dim: 16, numHeads: 2, depth: 3, maxTokens: 12, attention: spec, seed: 3 });
      const inp = tfl.input({ shape: [12, 16] });
      const model = tfl.model({ inputs: inp, outputs: encoder.apply(inp) as tfl.SymbolicTensor });
      const named = model.weights.map((w) => w.originalName).filter((n) => /\/E$/.test(n));
      expect(named).toHaveLength(1); // one E in the whole model
      expect(model.weights.filter((w) => /\/F$/.test(w.originalName))).toHaveLength(0);
      const x = tf.randomNormal([2, 12, 16], 0, 1, 'float32', 9) as tf.Tensor3D;
      const y = model.predict(x) as tf.Tensor;
      // Changing E changes every layer: set it to zeros and compare with per-layer effect.
      const eVar = model.weights.find((w) => /\/E$/.test(w.originalName))!;
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.predict(x) as tf.Tensor)) as tf.Scalar, [eVar.read() as tf.Variable]);
      expect((await tf.sum(tf.abs(grads[(eVar.read() as tf.Variable).name]!)).data())[0]).toBeGreaterThan(0);
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
      await expectClose(loaded.predict(x) as tf.Tensor, y, { atol: 1e-5 });
      expect(loaded.weights.filter((w) => /\/E$/.test(w.originalName))).toHaveLength(1);
      loaded.dispose();
      model.dispose();
    });

    it('layerwise followers read the owner\'s E: equal layers with equal inputs give equal outputs', async () => {
      const shared = new SharedProjection({ k: 3, maxTokens: 10 });
      const [a, b] = [0, 1].map(() => createAttention('linformer', { dim: 8, numHeads: 2, maxTokens: 10, k: 3, sharing: 'layerwise', projection: shared, seed: 1 }));
      const x = tf.randomNormal([1, 10, 8], 0, 1, 'float32', 2) as tf.Tensor3D;
      const ya = a!.apply(x) as tf.Tensor;
      const yb = b!.apply(x) as tf.Tensor;
      expect(a!.weightPaths()).toContain('E');
      expect(b!.weightPaths()).not.toContain('E');
      await expectClose(yb, ya, { atol: 1e-6 }); // same seed ⇒ same q/k/v/out; same E
      const fresh = createAttention('linformer', { dim: 8, numHeads: 2, maxTokens: 10, k: 3, sharing: 'layerwise', seed: 1, name: 'own_e' });
      expect(fresh.apply(x)).toBeDefined();
      a!.dispose();
      b!.dispose();
      fresh.dispose();
    });
  });
}

describe('linformer registry', () => {
  it('cost grows linearly in N at fixed k', async () => {
    const { getAttention } = await import('@attention-zoo/attention-core');
    const c = getAttention('linformer').cost;
    const f1 = c({ tokens: 1024, dim: 64, numHeads: 4, k: 64 }).flops;
    const f2 = c({ tokens: 2048, dim: 64, numHeads: 4, k: 64 }).flops;
    expect(f2 / f1).toBeCloseTo(2, 5);
  });
});
