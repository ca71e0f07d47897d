import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '@attention-zoo/variants';
import {
  benchLayer, crossover, measure, growthExponent, variantOptions, markdownReport, parseBenchArgs, readBaseline, regressions, runBench, svgPlot,
  torchAvailable, type BenchRecord, ortAvailable, ortSession, measureOrt, measureMachine, OnnxGraph,
} from '@attention-zoo/bench';
import { inCI, useBackend } from '@attention-zoo/test-utils';

const rec = (variant: string, tokens: number, ms: number, extra: Partial<BenchRecord> = {}): BenchRecord => ({
  variant, backend: 'cpu', tokens, dim: 64, numHeads: 4, batch: 1, mode: 'forward', ms_median: ms, ms_min: ms, ms_max: ms,
  runs: 5, peak_bytes: tokens * 100, rss_bytes: 1, ...extra,
});

describe('analysis', () => {
  it('fits the growth exponent of power laws', () => {
    const ns = [256, 512, 1024, 2048, 4096];
    expect(growthExponent(ns.map((n) => ({ n, y: 3 * n })))).toBeCloseTo(1, 10);
    expect(growthExponent(ns.map((n) => ({ n, y: 0.01 * n * n })))).toBeCloseTo(2, 10);
    expect(growthExponent([{ n: 256, y: 1 }])).toBeNull();
    expect(growthExponent(ns.map((n) => ({ n, y: NaN })))).toBeNull();
  });

  it('finds the crossover with softmax: faster from there on, softmax skipped for memory counts as slower', () => {
    const soft = [rec('softmax', 256, 1), rec('softmax', 512, 4), rec('softmax', 1024, 16)];
    expect(crossover([rec('x', 256, 2), rec('x', 512, 3), rec('x', 1024, 6)], soft)).toBe(512);
    expect(crossover([rec('x', 256, 0.5), rec('x', 512, 5), rec('x', 1024, 6)], soft)).toBe(1024);
    expect(crossover([rec('x', 256, 2), rec('x', 512, 5), rec('x', 1024, 20)], soft)).toBeNull();
    expect(crossover([rec('x', 1024, 20), rec('x', 2048, 40)], soft)).toBe(2048);
  });

  it('flags regressions over 10% only', () => {
    const base = [rec('softmax', 256, 10), rec('softmax', 512, 10)];
    const now = [rec('softmax', 256, 10.9), rec('softmax', 512, 11.5)];
    expect(regressions(now, base).map((r) => r.key)).toEqual(['softmax cpu forward N=512 d=64 h=4 b=1']);
  });

  it('reads a baseline written before the head count was named numHeads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    const { numHeads: _, ...old } = rec('softmax', 256, 1);
    writeFileSync(join(dir, 'old.json'), JSON.stringify([{ ...old, heads: 4 }]));
    writeFileSync(join(dir, 'new.json'), JSON.stringify([rec('softmax', 256, 1)]));
    expect(readBaseline(join(dir, 'old.json'))).toEqual([rec('softmax', 256, 1)]);
    expect(readBaseline(join(dir, 'new.json'))).toEqual([rec('softmax', 256, 1)]);
    expect(regressions([rec('softmax', 256, 2)], readBaseline(join(dir, 'old.json')))).toHaveLength(1);
  });

  it('reports tables and a plot', async () => {
    const recs = [rec('softmax', 256, 1), rec('softmax', 512, 4), rec('x', 256, 2), rec('x', 512, 2.5), rec('x', 1024, 5, { skipped: undefined }),
      rec('softmax', 1024, NaN, { skipped: 'predicted 20 GiB > budget' })];
    const md = markdownReport(recs);
    expect(md).toMatch(/\| softmax \| 1\.00 \| 4\.00 \| skip \| 2\.00 \|/);
    expect(md).toMatch(/\| x \| 2\.00 \| 2\.50 \| 5\.00 \| 0\.66 \| 1\.00 \| 512 \| 1024 \|/);
    expect(md).toMatch(/- softmax N=1024: predicted 20 GiB > budget/);
    const withOptions = markdownReport([rec('softmax', 64, 1, { options: {} }), rec('linformer', 64, 1, { options: { k: 64 } })]);
    expect(withOptions).toMatch(/Layer options[^]*\n- linformer: k = 64\n/);
    expect(withOptions).not.toMatch(/- softmax:/);
    const svg = await svgPlot(recs, 'cpu');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(2); // a line per variant, the skipped point left out
    expect(svg).toContain('>1,000<'); // log ticks as numbers, not 1e3 or 1.0e+3
  });
});

describe('options', () => {
  it('defaults to 256 … 65,536 doubling, dim 128, 4 heads, forward, 5 runs', () => {
    const o = parseBenchArgs([]);
    expect(o.tokens).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
    expect(o).toMatchObject({ dim: 128, numHeads: 4, batch: 1, mode: 'forward', runs: 5, out: 'bench-results', variants: 'all', kernels: true });
    expect(parseBenchArgs(['--no-kernels']).kernels).toBe(false);
  });

  it('rejects bad flags with a message naming them', () => {
    expect(() => parseBenchArgs(['--tokens', '10,x'])).toThrow(/--tokens takes positive integers/);
    expect(() => parseBenchArgs(['--backends', 'tpu'])).toThrow(/unknown backend 'tpu'/);
    expect(() => parseBenchArgs(['--dim', '30', '--heads', '4'])).toThrow(/not divisible/);
    expect(() => parseBenchArgs(['--mode', 'fast'])).toThrow(/forward, train or decode/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(/unknown option/);
  });

  it('fixes Linformer at the paper\'s k = 256 unless --set overrides it, and records the options', async () => {
    expect(variantOptions('linformer', 4096)).toEqual({ k: 256 });
    expect(variantOptions('linformer', 64)).toEqual({ k: 64 }); // k ≤ maxTokens = N
    expect(variantOptions('softmax', 4096)).toEqual({});
    expect(variantOptions('strided', 65536)).toEqual({ stride: 256 }); // ℓ ≈ √N
    expect(variantOptions('sparse-fixed', 64)).toEqual({ blockSize: 32, summarySize: 8 }); // √(8·64) ≈ 22.6 → 32
    const o = parseBenchArgs(['--set', 'linformer.k=128', '--set', 'local.radius=16']);
    expect(o.set).toEqual({ linformer: { k: 128 }, local: { radius: 16 } });
    expect(variantOptions('linformer', 4096, o.set)).toEqual({ k: 128 });
    expect(() => parseBenchArgs(['--set', 'linformer.k'])).toThrow(/variant\.option=number/);
    expect(() => parseBenchArgs(['--set', 'linformer.k=big'])).toThrow(/variant\.option=number/);
    await useBackend('cpu');
    const layer = benchLayer('linformer', 512, 16, 2, variantOptions('linformer', 512));
    expect(layer.getConfig()).toMatchObject({ k: 256, maxTokens: 512 });
  });

  it('gives a grid variant the most nearly square grid of N, and maxTokens only to a variant tied to length', async () => {
    await useBackend('cpu');
    expect(benchLayer('flatten', 2048, 16, 2).getConfig()).toMatchObject({ grid: [32, 64] });
    expect(benchLayer('flatten', 4096, 16, 2).getConfig()).toMatchObject({ grid: [64, 64] });
    const softmax = benchLayer('softmax', 2048, 16, 2).getConfig();
    expect(softmax['grid'] ?? null).toBeNull();
    expect(softmax['maxTokens'] ?? null).toBeNull();
  });

  it('says why --vs-torch cannot run when python or torch is missing', () => {
    expect(torchAvailable(['/no/such/python3'])).toEqual({ missing: expect.stringMatching(/not found/) });
  });
});

describe('runBench', () => {
  beforeAll(() => useBackend('cpu'));

  it('does not try a wasm case whose activations cannot fit the 4 GiB wasm heap (a trap would break the backend)', async () => {
    const base = { variant: 'softmax', tokens: 16384, dim: 128, numHeads: 4, batch: 1, mode: 'forward' as const, runs: 1, memoryBudgetBytes: 16 * 2 ** 30 };
    const before = tf.memory().numTensors;
    const r = await measure({ ...base, backend: 'wasm' });
    expect(r.skipped).toMatch(/8\.0 GiB of activations > the 3 GiB that wasm's 4 GiB heap can hold/);
    expect(tf.memory().numTensors).toBe(before);
    // the same case elsewhere is only held to --memory-budget
    const small = await measure({ ...base, backend: 'cpu', memoryBudgetBytes: 2 ** 30 });
    expect(small.skipped).toMatch(/> budget 1\.0 GiB/);
  });

  it('measures, skips over-budget cases, and writes JSON records, a report and a plot', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-'));
    const lines: string[] = [];
    const { records, files } = await runBench(
      { ...parseBenchArgs(['--variants', 'softmax', '--backends', 'cpu', '--tokens', '16,32,4096', '--dim', '16', '--runs', '2', '--memory-budget', '0.001', '--out', out]) },
      (l) => lines.push(l),
    );
    expect(records.map((r) => [r.tokens, r.skipped === undefined])).toEqual([[16, true], [32, true], [4096, false]]);
    expect(records[2]!.skipped).toMatch(/predicted .* GiB of activations > budget/);
    for (const r of records.slice(0, 2)) {
      expect(r.ms_min).toBeLessThanOrEqual(r.ms_median);
      expect(r.ms_median).toBeLessThanOrEqual(r.ms_max);
      expect(r.peak_bytes).toBeGreaterThan(0);
      expect(r.runs).toBe(2);
    }
    // 4 heads × 32² float32 logits and weights at least
    expect(records[1]!.peak_bytes).toBeGreaterThan(records[0]!.peak_bytes);
    const json = files.find((f) => f.endsWith('.json'))!;
    expect(json).toMatch(/cpu-.*\.json$/);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toHaveLength(3);
    expect(readdirSync(out).some((f) => f.endsWith('.svg'))).toBe(true);
    expect(readFileSync(files.find((f) => f.endsWith('.md'))!, 'utf8')).toMatch(/\| softmax \|/);
    expect(lines.some((l) => /softmax\s+N=32\s+forward\s+[0-9.]+ ms/.test(l))).toBe(true);
  });

  it('names an unknown variant', async () => {
    await expect(runBench(parseBenchArgs(['--variants', 'nope', '--backends', 'cpu']))).rejects.toThrow(/unknown attention 'nope'/);
  });

  it('flags a regression against a baseline file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-'));
    const baseline = join(out, 'base.json');
    writeFileSync(baseline, JSON.stringify([{ ...rec('softmax', 16, 1e-6), dim: 16 }]));
    const r = await runBench(parseBenchArgs(['--variants', 'softmax', '--backends', 'cpu', '--tokens', '16', '--dim', '16', '--runs', '1', '--out', out, '--baseline', baseline]), () => {});
    expect(r.regressions).toHaveLength(1);
  });
});

// onnxruntime-node is an optional dependency: pnpm installs it on the platforms it ships binaries for.
// Where it is missing the comparisons are skipped locally; in CI that is a failure.
const found = await ortAvailable();
const it_ = 'missing' in found && !inCI ? it.skip : it;
const ortOf = () => {
  if ('missing' in found) throw new Error(found.missing);
  return found;
};

describe('--vs-ort', () => {
  beforeAll(() => useBackend('cpu'));

  it('parses --vs-ort', () => {
    expect(parseBenchArgs(['--vs-ort']).vsOrt).toBe(true);
    expect(parseBenchArgs([]).vsOrt).toBe(false);
  });

  it('says why when onnxruntime-node cannot be loaded', async () => {
    const missing = Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(await ortAvailable(() => Promise.reject(missing))).toEqual({ missing: expect.stringMatching(/not installed .*ONNXRUNTIME_NODE_INSTALL=skip/) });
  });


  it_('writes ONNX that onnxruntime runs: a MatMul + Add graph gives x W + b', async () => {
    const { ort } = ortOf();
    const g = new OnnxGraph('t');
    const w = Float32Array.of(1, 2, 3, 4, 5, 6); // [2, 3]
    g.output(g.add(g.matMul(g.input('x', [1, 2]), g.floats(w, [2, 3])), g.scalar(0.5)), [1, 3]);
    const s = await ortSession(ort, g.encode());
    const out = Object.values(await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, -1), [1, 2]) }))[0]!;
    expect([...out.data]).toEqual([-2.5, -2.5, -2.5]);
    expect(out.dims).toEqual([1, 3]);
  });

  for (const variant of ['softmax', 'linear-elu', 'aft-simple', 'flatten', 'local']) {
    it_(`${variant}: the ONNX graph of the layer, with its weights, gives the layer's output`, async () => {
      const { ort, version } = ortOf();
      const n = variant === 'local' ? 37 : 36; // local: a length that is not a multiple of the block
      const layer = benchLayer(variant, n, 16, 2, variant === 'local' ? { radius: 5 } : {});
      const x = tf.randomNormal([1, n, 16], 0, 1, 'float32', 3) as tf.Tensor3D;
      const y = layer.apply(x) as tf.Tensor;
      const r = await measureOrt(ort, version, layer, (await x.data()) as Float32Array, [1, n, 16], (await y.data()) as Float32Array, 1);
      expect(r.rel_err).toBeLessThan(1e-5);
      expect(r.ms_median).toBeGreaterThan(0);
      tf.dispose([x, y]);
      layer.dispose();
    });
  }

  it_('measures the machine: GEMM on the backend and in onnxruntime, copy bandwidth', async () => {
    const m = await measureMachine(ortOf().ort, 64, 1);
    expect(m.backendGemm).toMatchObject({ backend: 'cpu', n: 64 });
    expect(m.backendGemm.gflops).toBeGreaterThan(0);
    expect(m.nativeGemm!.gflops).toBeGreaterThan(0);
    expect(m.copyGBs).toBeGreaterThan(0);
  });
});
