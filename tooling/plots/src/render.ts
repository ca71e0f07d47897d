import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite spec as a standalone SVG document, by Vega's own SVG renderer (no canvas, no DOM). */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** The spec of a chart with no finite point: its title says so. */
export function noDataSpec(title: string): TopLevelSpec {
  return { title: `${title}: no data`, width: 300, height: 20, background: 'white', mark: 'text', data: { values: [] } } as TopLevelSpec;
}
