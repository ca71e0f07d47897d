import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '@attention-zoo/attention-core/weights';
import { createBackbone } from '../src/index.js';

await tf.setBackend('cpu');

/**
 * The keys and shapes of the real models' state dicts (timm's modules, their official-named forms, and the
 * official PVT v1 and CSwin modules at full size; scripts/make-backbone-checkpoints.py): each named
 * configuration takes them all by name and shape, in each naming, with nothing missing or left over.
 */
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/checkpoints/manifests.json', import.meta.url), 'utf8')) as {
  cases: Record<string, { model: string; naming: string; keys: Record<string, number[]> }>;
};

describe("the full-size models take the real checkpoints' keys and shapes", () => {
  it('covers every family in both namings', () => {
    expect(Object.keys(cases)).toEqual(expect.arrayContaining(['deit-t timm', 'pvt-t official', 'pvtv2-b0 timm', 'pvtv2-b0 official', 'swin-t timm', 'swin-t official', 'cswin-t official']));
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name} → createBackbone('${c.model}')`, () => {
      const sd = new Map<string, HostTensor>();
      for (const [k, shape] of Object.entries(c.keys)) sd.set(k, { dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
      const model = createBackbone(c.model);
      try {
        const report = model.loadTorchStateDict(sd);
        expect(report.naming).toBe(c.naming);
        expect(report.missing).toEqual([]);
        expect(report.unused).toEqual([]);
        expect(report.resized).toEqual([]);
        expect(report.recomputed).toEqual([]);
      } finally {
        model.dispose();
      }
    }, 120_000);
  }
});
