import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightLoadError } from '@attention-zoo/attention-core';
import { CSwin, DeiT, Pvt, Swin, type Backbone } from '../src/index.js';
import { readCheckpoint } from '../src/weights/read-checkpoint.js';
import { interpolate2d } from '../src/weights/interpolate.js';

/**
 * Checkpoints written by PyTorch's torch.save from timm's models (and the official PVT v1 and CSwin code),
 * in timm's and the official names
 * (scripts/make-backbone-checkpoints.py), with the outputs PyTorch gave for them.
 */
await tf.setBackend('cpu');
const DIR = new URL('./fixtures/checkpoints/', import.meta.url);

interface Json {
  shape: number[];
  values: number[];
}
interface Expected {
  class: 'DeiT' | 'Pvt' | 'Swin' | 'CSwin';
  config: Record<string, unknown>;
  naming: string;
  input: Json;
  logits: Json;
  features?: Json[];
}

const CLASSES = { DeiT, Pvt, Swin, CSwin } as unknown as Record<string, new (c: Record<string, unknown>) => Backbone>;
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.pth'))
  .map((f) => f.slice(0, -4));
const expectedOf = (name: string) => JSON.parse(readFileSync(new URL(`${name}.expected.json`, DIR), 'utf8')) as Expected;
const nhwc = (j: Json) => tf.tidy(() => tf.transpose(tf.tensor4d(j.values, j.shape as [number, number, number, number]), [0, 2, 3, 1]) as tf.Tensor4D);

/** |got − want| ≤ atol + rtol·|want| elementwise, float32 against PyTorch's float32. */
function expectClose(got: tf.Tensor, want: Json, atol = 2e-4, rtol = 1e-3): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  let worst = 0;
  want.values.forEach((w, i) => (worst = Math.max(worst, Math.abs(g[i]! - w) - rtol * Math.abs(w))));
  expect(worst).toBeLessThanOrEqual(atol);
}

describe('PyTorch checkpoints of timm and the official repositories', () => {
  it('has the cases of every family and naming the generator writes', () => {
    expect(cases).toEqual(expect.arrayContaining(['deit-timm', 'pvt-official', 'pvtv2-timm', 'pvtv2-official', 'swin-timm', 'swin-official', 'cswin-official']));
  });

  for (const name of cases) {
    it(`${name}: loads by its naming and gives PyTorch's logits`, () => {
      const e = expectedOf(name);
      const model = new CLASSES[e.class]!({ ...e.config, seed: 1 });
      try {
        const report = model.loadTorchStateDict(readCheckpoint(readFileSync(new URL(`${name}.pth`, DIR))).tensors);
        expect(report.naming).toBe(e.naming);
        expect(report.missing).toEqual([]);
        expect(report.unused).toEqual([]);
        if (/at-\d+|window8/.test(name)) expect(report.resized.length).toBeGreaterThan(0);
        else expect(report.resized).toEqual([]);
        const x = nhwc(e.input);
        const y = model.apply(x) as tf.Tensor;
        expectClose(y, e.logits);
        tf.dispose([x, y]);
      } finally {
        model.dispose();
      }
    });
  }

  for (const name of ['deit-timm', 'pvtv2-timm', 'swin-timm']) {
    it(`${name}.safetensors (timm's Hugging Face form) gives the same logits`, () => {
      const e = expectedOf(name);
      const model = new CLASSES[e.class]!({ ...e.config, seed: 1 });
      const ckpt = readCheckpoint(readFileSync(new URL(`${name}.safetensors`, DIR)));
      expect(ckpt.format).toBe('safetensors');
      expect(model.loadTorchStateDict(ckpt.tensors).naming).toBe(e.naming);
      const x = nhwc(e.input);
      const y = model.apply(x) as tf.Tensor;
      expectClose(y, e.logits);
      tf.dispose([x, y]);
      model.dispose();
    });
  }

  for (const name of cases.filter((n) => expectedOf(n).features)) {
    it(`${name}: features: true gives timm's forward_intermediates maps (NHWC)`, () => {
      const e = expectedOf(name);
      const model = new CLASSES[e.class]!({ ...e.config, features: true, seed: 1 });
      const report = model.loadTorchStateDict(readCheckpoint(readFileSync(new URL(`${name}.pth`, DIR))).tensors);
      expect(report.unused.filter((k) => !k.startsWith('head'))).toEqual([]);
      const x = nhwc(e.input);
      const maps = model.apply(x) as tf.Tensor[];
      expect(maps.length).toBe(e.features!.length);
      maps.forEach((m, i) => {
        const want = e.features![i]!;
        const nchw = tf.transpose(m, [0, 3, 1, 2]);
        expectClose(nchw, want);
        nchw.dispose();
      });
      tf.dispose([x, ...maps]);
      model.dispose();
    });
  }

  it("a DistributedDataParallel checkpoint's module. prefix is stripped; prefix picks a sub-dict", () => {
    const e = expectedOf('pvtv2-timm');
    const sd = readCheckpoint(readFileSync(new URL('pvtv2-timm.pth', DIR))).tensors;
    const ddp = new Map([...sd].map(([k, v]) => [`module.${k}`, v]));
    const nested = new Map([...sd].map(([k, v]) => [`backbone.${k}`, v]));
    nested.set('neck.weight', sd.get('head.weight')!);
    for (const [dict, options] of [[ddp, {}], [nested, { prefix: 'backbone.' }]] as const) {
      const model = new Pvt(e.config as never);
      const report = model.loadTorchStateDict(dict, options);
      expect(report.naming).toBe('timm');
      expect(report.unused).toEqual([]);
      const x = nhwc(e.input);
      const y = model.apply(x) as tf.Tensor;
      expectClose(y, e.logits);
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('without a head (numClasses 0) the classifier is reported unused, not an error', () => {
    const e = expectedOf('swin-timm');
    const model = new Swin({ ...(e.config as object), numClasses: 0 } as never);
    const report = model.loadTorchStateDict(readCheckpoint(readFileSync(new URL('swin-timm.pth', DIR))).tensors);
    expect(report.unused.sort()).toEqual(['head.bias', 'head.weight']);
    model.dispose();
  });

  it('a checkpoint of another window is refused with resize: false, naming the buffers and tables', () => {
    const e = expectedOf('swin-official-window8');
    const model = new Swin(e.config as never);
    const sd = readCheckpoint(readFileSync(new URL('swin-official-window8.pth', DIR))).tensors;
    expect(() => model.loadTorchStateDict(sd, { resize: false })).toThrow(WeightLoadError);
    expect(() => model.loadTorchStateDict(sd, { resize: false })).toThrow(/relative_position_index \[16, 16\]: expected \[64, 64\]/);
    model.dispose();
  });

  it('an unrelated checkpoint is refused, listing what is missing and unused', () => {
    const model = new Swin(expectedOf('swin-timm').config as never);
    const sd = readCheckpoint(readFileSync(new URL('pvtv2-timm.pth', DIR))).tensors;
    expect(() => model.loadTorchStateDict(sd)).toThrow(/missing from the state_dict: .*layers\.0\.blocks\.0\.attn\.qkv\.weight/s);
    model.dispose();
  });
});

describe("interpolate2d is torch's F.interpolate", () => {
  const { cases: list } = JSON.parse(readFileSync(new URL('interpolate.expected.json', DIR), 'utf8')) as {
    cases: { mode: 'bicubic' | 'bilinear'; antialias: boolean; input: Json; output: Json }[];
  };
  for (const c of list) {
    it(`${c.mode}${c.antialias ? ' antialias' : ''} [${c.input.shape.slice(1)}] → [${c.output.shape.slice(1)}]`, () => {
      const got = interpolate2d(Float32Array.from(c.input.values), c.input.shape as [number, number, number], c.output.shape.slice(1) as [number, number], c);
      const worst = c.output.values.reduce((m, w, i) => Math.max(m, Math.abs(got[i]! - w)), 0);
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
