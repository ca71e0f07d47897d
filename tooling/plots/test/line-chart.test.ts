import { describe, expect, it } from 'vitest';
import { lineChartSpec, lineChartSvg } from '../src/index.js';

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

  it('the spec is plain Vega-Lite (the demo can hand it to vega-embed)', () => {
    const spec = lineChartSpec({ title: 't', x: { title: 'x' }, y: { title: 'y' }, series: [{ name: 's', points: [[1, 2]] }] }) as unknown as Record<string, unknown>;
    expect(spec['$schema']).toContain('vega-lite');
    expect(spec['data']).toEqual({ values: [{ series: 's', x: 1, y: 2 }] });
  });
});
