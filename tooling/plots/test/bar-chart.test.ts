import { describe, expect, it } from 'vitest';
import { barChartSvg } from '../src/index.js';

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('barChartSvg', () => {
  it('one bar per series and category with a value; a missing value draws no bar', async () => {
    const svg = await barChartSvg({
      title: 'test accuracy',
      x: { title: 'task', categories: ['lra-listops', 'mqar'] },
      y: { title: 'accuracy (%)', domain: [0, 100] },
      series: [
        { name: 'softmax', values: { 'lra-listops': 20, mqar: 60 } },
        { name: 'linformer', values: { 'lra-listops': 18 } }, // refused on mqar: no bar
      ],
    });
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(svg.match(/<path[^>]*aria-roledescription="bar"/g)).toHaveLength(3);
    const t = texts(svg);
    for (const s of ['softmax', 'linformer', 'lra-listops', 'mqar', 'test accuracy']) expect(t).toContain(s);
  });

  it('a chart with no value says so instead of failing', async () => {
    const svg = await barChartSvg({ title: 'acc', x: { title: 'task', categories: ['a'] }, y: { title: '%' }, series: [{ name: 's', values: {} }] });
    expect(texts(svg)).toContain('acc: no data');
  });
});
