import { describe, expect, it } from 'vitest';
import { growthChartSpec, growthChartSvg, lineChartSpec, lineChartSvg, seriesStyle } from '../src/index.js';

/** The tick labels Vega drew: text of the axis label groups. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('lineChartSvg', () => {
  it('draws one line per series with a legend naming each, as a standalone SVG', async () => {
    const svg = await lineChartSvg({
      title: 'listops: train loss',
      x: { title: 'step' },
      y: { title: 'cross-entropy' },
      series: [
        { name: 'softmax', points: [[1, 2.3], [2, 2.1], [3, 1.9]] },
        { name: 'a-rather-long-attention-name', points: [[1, 2.4], [2, 2.2], [3, 2.0]] },
      ],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(2); // a line per series
    const t = texts(svg);
    expect(t).toContain('softmax');
    expect(t).toContain('a-rather-long-attention-name'); // not cut to "a-rather-lo…"
    expect(t).toContain('listops: train loss');
    // The legend lies inside the drawing: the SVG is wider than plot + axis.
    expect(Number(svg.match(/width="(\d+)"/)![1])).toBeGreaterThan(480 + 150);
  });

  it('a single point is drawn (a point mark), and a fixed domain gives round ticks', async () => {
    const svg = await lineChartSvg({ title: 'acc', x: { title: 'step' }, y: { title: 'accuracy (%)', domain: [0, 100] }, series: [{ name: 'softmax', points: [[20, 60.3]] }] });
    expect(svg).toContain('mark-symbol');
    const t = texts(svg);
    expect(t).toEqual(expect.arrayContaining(['0', '20', '40', '60', '80', '100']));
    expect(t).not.toContain('60.2');
  });

  it('log axes label decades without exponents (1,000 not 1.0e+3); no data says so', async () => {
    const svg = await lineChartSvg({
      title: 'time', x: { title: 'tokens', scale: 'log' }, y: { title: 'ms', scale: 'log' },
      series: [{ name: 'softmax', points: [[64, 0.5], [1024, 40], [4096, 700]] }],
    });
    const t = texts(svg);
    expect(t).toContain('1,000');
    expect(t.join(' ')).not.toMatch(/e[+-]\d/);
    expect(texts(await lineChartSvg({ title: 'empty', x: { title: 'x' }, y: { title: 'y' }, series: [{ name: 's', points: [[1, NaN]] }] }))).toContain('empty: no data');
  });

  it('the spec is plain Vega-Lite (the demo renders it with Vega in the page)', () => {
    const spec = lineChartSpec({ title: 't', x: { title: 'x' }, y: { title: 'y' }, series: [{ name: 's', points: [[1, 2]] }] }) as unknown as { $schema: string; layer: { data: unknown }[] };
    expect(spec.$schema).toContain('vega-lite');
    expect(spec.layer[0]!.data).toEqual({ values: [{ series: 's', x: 1, y: 2, marker: true }] });
  });

  it('past ten series the dash and shape change too: thirty series, thirty distinct looks; legend off when asked', async () => {
    const looks = new Set(Array.from({ length: 30 }, (_, i) => JSON.stringify(seriesStyle(i))));
    expect(looks.size).toBe(30);
    const series = Array.from({ length: 12 }, (_, i) => ({ name: `v${i}`, points: [[1, i], [2, i + 1]] as [number, number][] }));
    const svg = await lineChartSvg({ title: 'many', x: { title: 'x' }, y: { title: 'y' }, series, legend: 'none' });
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(12);
    expect(svg).toContain('stroke-dasharray="6,3"'); // the eleventh series
    expect(texts(svg)).not.toContain('v0'); // no legend: the page draws its own
  });
});

describe('growthChartSvg', () => {
  const series = [
    { name: 'softmax', points: [[64, 0.5], [256, 3], [1024, 40], [4096, 700]] as [number, number][], fit: { exponent: 1.98, range: [256, 4096] as const } },
    { name: 'linear-elu', points: [[64, 0.4], [256, 1], [1024, 4]] as [number, number][], fit: { exponent: 1, range: [256, 1024] as const } },
    { name: 'aft-full', points: [[64, 0.3]] as [number, number][], fit: null },
  ];

  it('shades and labels the sizes the exponents were fitted over, draws each fit, and names the exponent in the legend', async () => {
    const svg = await growthChartSvg({ title: 'cpu: time', y: 'median ms', series });
    const t = texts(svg);
    expect(t).toContain('fitted over N 256–4,096');
    expect(t).toContain('softmax · N^1.98');
    expect(t).toContain('aft-full'); // not fitted: its name alone
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(3);
    expect(svg.match(/class="mark-rule role-mark/g)).toHaveLength(1); // the fitted segments, one mark
    expect(t.join(' ')).not.toMatch(/e[+-]\d/);
  });

  it('the fitted segment spans exactly the fit range, on the least-squares line', () => {
    const spec = growthChartSpec({ title: 't', y: 'ms', series: [series[0]!] }) as unknown as { layer: { mark: { type: string }; data: { values: Record<string, number>[] } }[] };
    const rule = spec.layer.find((l) => l.mark.type === 'rule')!.data.values[0]!;
    expect(rule['x']).toBe(256);
    expect(rule['x2']).toBe(4096);
    expect(Math.log(rule['y2']! / rule['y']!) / Math.log(4096 / 256)).toBeCloseTo(1.98, 6);
  });

  it('with nothing fitted it says so, and with no point it says no data', async () => {
    const svg = await growthChartSvg({ title: 'early', y: 'ms', series: [series[2]!] });
    expect(texts(svg)).toContain('no exponent: too few sizes in the fit range');
    expect(texts(await growthChartSvg({ title: 'empty', y: 'ms', series: [{ name: 's', points: [[0, 1]] }] }))).toContain('empty: no data');
  });
});
