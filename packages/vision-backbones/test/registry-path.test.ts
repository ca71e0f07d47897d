// Backbones reach attention only through the registry: a variant registered here, in the test,
// joins every backbone with its hooks (cost model, official keys, stage options, class tokens).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AttentionConfigError,
  AttentionLayer,
  createAttention,
  defineCapabilities,
  getAttention,
  layerCost,
  registerAttention,
  z,
  type CostShape,
  type MixContext,
} from '@attention-zoo/attention-core';
import { conformanceChecks } from '@attention-zoo/attention-core/testing';
import { backendSuite, testBackends, useBackend } from '@attention-zoo/test-utils';
import { CSwin, DeiT, Pvt, Swin, createBackbone, type Backbone } from '../src/index.js';

type Quad = [number, number, number, number];

const PAPER = { title: 'A toy for the tests', authors: 'attention-zoo', year: 2026, url: 'https://example.org' };
const toyCost = ({ tokens, dim, batch = 1, phase = 0 }: CostShape) => ({ flops: batch * (7 * tokens * dim + (phase ?? 0)), activationBytes: 4 * tokens * dim });

/** Every query takes the mean of the values (A = 1/N); its `phase` option is set per block by its stageOptions. */
class ToyMean extends AttentionLayer {
  static className = 'BackboneTest>ToyMean';
  readonly phase: number;
  constructor(config: ConstructorParameters<typeof AttentionLayer>[0] & { phase?: number }) {
    super(config);
    this.phase = config.phase ?? 0;
  }
  protected override mix(q: tf.Tensor4D, _k: tf.Tensor4D, v: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
    return tf.tile(tf.mean(v, 2, true), [1, 1, q.shape[2], 1]) as tf.Tensor4D;
  }
  protected override variantConfig(): Record<string, unknown> {
    return { phase: this.phase };
  }
}

/** A grid attention that takes class tokens: every token takes the mean of the grid tokens' values (the class tokens' left out). */
class ToyGridMean extends AttentionLayer {
  static className = 'BackboneTest>ToyGridMean';
  static override capabilities = defineCapabilities({ variableLength: false, needsGrid: true, classTokens: true });
  protected override mix(q: tf.Tensor4D, _k: tf.Tensor4D, v: tf.Tensor4D, _ctx: MixContext): tf.Tensor4D {
    const [h, w] = this.grid!;
    const grid = tf.slice(v, [0, 0, v.shape[2] - h * w, 0], [-1, -1, h * w, -1]); // class tokens come first
    return tf.tile(tf.mean(grid, 2, true), [1, 1, q.shape[2], 1]) as tf.Tensor4D;
  }
}

/** The same grid attention without class tokens. */
class ToyGridOnly extends ToyGridMean {
  static override className = 'BackboneTest>ToyGridOnly';
  static override capabilities = defineCapabilities({ variableLength: false, needsGrid: true });
}

const common = { family: 'test', summary: 'test variant', paper: PAPER, complexity: { time: 'O(N·d)', memory: 'O(N·d)' }, options: {} };
registerAttention({
  ...common,
  name: 'backbone-test-mean',
  layer: ToyMean,
  options: { phase: z.int().min(0) },
  cost: toyCost,
  torchKeyMap: () => ({ 'toy.weight': 'q/kernel' }),
  stageOptions: (spec, index) => ({ ...spec, phase: index + 1 }),
});
registerAttention({ ...common, name: 'backbone-test-grid-cls', layer: ToyGridMean, cost: toyCost });
registerAttention({ ...common, name: 'backbone-test-grid', layer: ToyGridOnly, cost: toyCost });

const images = (size: number) => tf.randomUniform([2, size, size, 3], -1, 1, 'float32', 3) as tf.Tensor4D;

/** The attention layers of a built model, in block order. */
const attentions = (model: Backbone) => (model as unknown as { blocks: { attn: AttentionLayer; spec: { tokens: number } }[] }).blocks;

async function runs(model: Backbone, size: number): Promise<void> {
  const x = images(size);
  const y = model.apply(x) as tf.Tensor;
  expect(y.shape).toEqual([2, 3]);
  expect((await y.data()).every(Number.isFinite)).toBe(true);
  tf.dispose([x, y]);
}

describe('a variant registered outside vision-backbones joins every backbone', () => {
  beforeAll(() => useBackend('cpu'));

  const models: Record<string, (attention: string) => Backbone> = {
    deit: (attention) => new DeiT({ imageSize: 32, patchSize: 8, embedDim: 16, depth: 2, numHeads: 2, numClasses: 3, attention, seed: 1 }),
    'pvt v1 (class token in stage 4)': (attention) =>
      new Pvt({ version: 1, imageSize: 32, embedDims: [8, 16, 16, 16], numHeads: [2, 2, 2, 2], mlpRatios: [2, 2, 2, 2], depths: [1, 1, 1, 2] as Quad, numClasses: 3, clsToken: true, attention, seed: 1 }),
    'pvt v2': (attention) =>
      new Pvt({ version: 2, imageSize: 32, embedDims: [8, 16, 16, 16], numHeads: [2, 2, 2, 2], mlpRatios: [2, 2, 2, 2], depths: [1, 1, 1, 1] as Quad, numClasses: 3, attention, seed: 1 }),
    swin: (attention) => new Swin({ imageSize: 32, embedDim: 8, depths: [2, 2], numHeads: [2, 2], numClasses: 3, attention, seed: 1 }),
    cswin: (attention) => new CSwin({ imageSize: 32, embedDim: 8, depths: [1, 1, 1, 1] as Quad, numHeads: [2, 2, 2, 2], numClasses: 3, attention, seed: 1 }),
  };

  for (const [family, make] of Object.entries(models)) {
    it(`${family}: builds and runs it, with its stage options, cost model and official keys`, async () => {
      const start = tf.memory().numTensors;
      const model = make('backbone-test-mean');
      await runs(model, 32);
      const blocks = attentions(model);
      expect(blocks.every((b) => b.attn instanceof ToyMean)).toBe(true);
      // stageOptions: block j of each stage gets phase j + 1
      const phases = blocks.map((b) => (b.attn as ToyMean).phase);
      expect(phases.every((p) => p >= 1)).toBe(true);
      if (family === 'swin') expect(phases).toEqual([1, 2, 1, 2]);
      // the cost model, through layerCost: 7·N·C + phase per block
      const attn = model.flopTerms().filter((t) => t.part.endsWith('attention')).map((t) => t.flops);
      expect(attn).toEqual(blocks.map((b) => 7 * b.spec.tokens * b.attn.dim + (b.attn as ToyMean).phase));
      // the official keys, nested under each block's attention
      const keys = Object.keys(model.torchKeyMap()).filter((k) => k.endsWith('toy.weight'));
      expect(keys).toHaveLength(blocks.length);
      expect(keys[0]).toMatch(/^(blocks\.0|block1\.0|layers\.0\.blocks\.0|stage1\.0)\.attn\.toy\.weight$/);
      model.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  it('a grid attention that declares classTokens runs beside DeiT\'s class and distillation tokens; one that does not is refused', async () => {
    const deit = (attention: string, distilled = false) =>
      new DeiT({ imageSize: 32, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2, numClasses: 3, distilled, attention, seed: 1 });
    for (const distilled of [false, true]) {
      const model = deit('backbone-test-grid-cls', distilled);
      await runs(model, 32);
      expect(attentions(model)[0]!.attn.grid).toEqual([4, 4]);
      expect(attentions(model)[0]!.spec.tokens).toBe(16 + (distilled ? 2 : 1));
      model.dispose();
    }
    const refused = deit('backbone-test-grid');
    expect(() => refused.build([null, 32, 32, 3])).toThrow(AttentionConfigError);
    expect(() => deit('backbone-test-grid').build([null, 32, 32, 3])).toThrow(
      /DeiT 'deit' block 0: attention 'backbone-test-grid' needs tokens = grid H·W = 16, but this model adds 1 class token\(s\) \(17 tokens\): use a grid attention that takes class tokens \(.*'backbone-test-grid-cls'.*\)/,
    );
  });

  it('a named model takes it by name, and a model without official keys for it says so', () => {
    const model = createBackbone('deit-t', { imageSize: 32, depth: 1, numClasses: 3, attention: 'backbone-test-grid-cls' });
    expect(() => model.torchKeyMap()).toThrow(/block 0 uses attention 'backbone-test-grid-cls', which has no official PyTorch weights to load/);
    model.dispose();
  });
});

describe("the backbones' own attentions are registered variants", () => {
  beforeAll(() => useBackend('cpu'));

  it('swin-window and cswin-lepe have descriptors with their papers, hooks and defaults that run on any grid', () => {
    const [swin, cswin] = [getAttention('swin-window'), getAttention('cswin-lepe')];
    expect(swin.paper.url).toBe('https://arxiv.org/abs/2103.14030');
    expect(cswin.paper.url).toBe('https://arxiv.org/abs/2107.00652');
    expect(cswin.torchKeyPrefix).toBe('');
    expect(swin.stageOptions!({ name: 'swin-window', windowSize: 7 }, 1)).toEqual({ name: 'swin-window', windowSize: 7, shiftSize: 'half' });
    expect(swin.stageOptions!({ name: 'swin-window' }, 2)['shiftSize']).toBe(0);
    // defaults: Swin's 7 where it tiles or covers the grid, else the largest side below that tiles it
    const side = (name: string, key: string, grid: [number, number]) => (createAttention(name, { dim: 8, numHeads: 2, grid }) as unknown as Record<string, number>)[key];
    const grids: [number, number][] = [[56, 56], [14, 14], [4, 4], [8, 8], [16, 12]];
    expect(grids.map((g) => side('swin-window', 'window', g))).toEqual([7, 7, 4, 4, 4]);
    expect(grids.map((g) => side('cswin-lepe', 'splitSize', g))).toEqual([7, 7, 7, 4, 4]); // 7 ≥ 4: one branch over the 4×4 map
    const half = createAttention('swin-window', { dim: 8, numHeads: 2, grid: [8, 8], windowSize: 4, shiftSize: 'half' }) as unknown as { shift: number };
    expect(half.shift).toBe(2);
  });

  it("their cost models give Swin's and CSwin's MACs (fvcore), as the papers' FLOPs count them", () => {
    const [n, c] = [56 * 56, 96];
    const swin = createAttention('swin-window', { dim: c, numHeads: 3, grid: [56, 56], windowSize: 7 });
    expect(layerCost(swin, n).flops).toBe(4 * n * c * c + 2 * n * 49 * c); // qkv, proj; QKᵀ and AV in 7×7 windows
    const cswin = createAttention('cswin-lepe', { dim: 64, numHeads: 2, grid: [56, 56], splitSize: 1 });
    // two branches of C/2 channels: stripes 56×1 and 1×56, plus LePE's 3×3 depthwise conv
    expect(layerCost(cswin, n).flops).toBe(4 * n * 64 * 64 + 2 * n * (56 * 1) * 32 * 2 + 9 * n * 64);
  });

  it('the Swin model gets SW-MSA in odd blocks and its buffers from the descriptor', () => {
    const model = new Swin({ imageSize: 32, embedDim: 8, depths: [2, 2], numHeads: [2, 2], numClasses: 3, windowSize: 4, seed: 1 });
    model.build([null, 32, 32, 3]);
    const shifts = attentions(model).map((b) => (b.attn as unknown as { shift: number }).shift);
    expect(shifts).toEqual([0, 2, 0, 0]); // stage 2's 4×4 grid is one window: no shift
    const buffers = (model as unknown as { torchBuffers(): Record<string, number[]> }).torchBuffers();
    expect(buffers).toEqual({
      'layers.0.blocks.0.attn.relative_position_index': [16, 16],
      'layers.0.blocks.1.attn.relative_position_index': [16, 16],
      'layers.0.blocks.1.attn_mask': [4, 16, 16],
      'layers.1.blocks.0.attn.relative_position_index': [16, 16],
      'layers.1.blocks.1.attn.relative_position_index': [16, 16],
    });
    model.dispose();
  });
});

for (const backend of await testBackends(['cpu', 'webgpu'])) {
  const forms = [
    { name: 'swin-window', config: { dim: 16, numHeads: 2, grid: [4, 4] as [number, number], windowSize: 2, shiftSize: 1 } },
    { name: 'cswin-lepe', config: { dim: 16, numHeads: 2, grid: [4, 4] as [number, number], splitSize: 2 } },
  ];
  for (const form of forms) {
    backendSuite(`${form.name} conformance`, backend, () => {
      for (const check of conformanceChecks(form)) it(check.name, check.run);
    });
  }
}
