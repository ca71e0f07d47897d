// apps/trainer/src has no import cycles (type-only imports count: a cycle of types is
// still two modules that cannot be read one without the other).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** Relative module specifiers of a TypeScript source: `import … from`, `export … from`, `import '…'`, `import('…')`. */
function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    found.push((m[1] ?? m[2])!);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** file → the files it imports (`./x.js` resolves to `./x.ts`). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles(dir)) {
    graph.set(f, relativeImports(readFileSync(f, 'utf8')).map((s) => resolve(dirname(f), s).replace(/\.js$/, '.ts')));
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files around it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') cycles.push([...path.slice(path.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import graph of apps/trainer/src', () => {
  it('the scan sees every import form, and the walk finds a cycle where there is one', () => {
    const src = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "import {\n  c,\n  d,\n} from './cd.js';",
      "export { e } from './e.js';",
      "export * from './f.js';",
      "import './side-effect.js';",
      "const g = await import('./g.js');",
      "import * as tf from '@tensorflow/tfjs-core';",
      "// import { old } from './commented.js';",
    ].join('\n');
    expect(relativeImports(src)).toEqual(['./a.js', '../b.js', './cd.js', './e.js', './f.js', './side-effect.js', './g.js']);
    const g = new Map([['run', ['report', 'loss']], ['report', ['summary', 'run']], ['summary', []], ['loss', []]]);
    expect(findCycles(g)).toEqual([['run', 'report', 'run']]);
    expect(findCycles(new Map([['run', ['report']], ['report', ['summary']], ['summary', []]]))).toEqual([]);
  });

  it('has no cycles', () => {
    const graph = importGraph(SRC);
    expect(graph.size).toBeGreaterThan(30);
    // Every relative import resolves to a file of src (so no edge is silently lost).
    for (const [f, deps] of graph) for (const d of deps) expect(graph.has(d), `${relative(SRC, f)} imports ${relative(SRC, d)}`).toBe(true);
    expect(findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '))).toEqual([]);
  });
});
