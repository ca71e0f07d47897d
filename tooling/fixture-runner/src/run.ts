import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { compare, unravel } from './compare.js';
import { handlerFor } from './handlers.js';
import { loadFixture, type Fixture } from './fixture.js';

export type Outcome = 'pass' | 'fail' | 'not-implemented';

export interface CaseResult {
  name: string;
  outcome: Outcome;
  maxAbsErr: number | null;
  detail: string;
}

export interface RunSummary {
  results: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
}

/** The `*.json` cases of a folder (each with a `.safetensors` beside it), sorted by name. */
export function listCases(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(folder, f));
}

export function formatResult(r: CaseResult, width = 28): string {
  const err = r.maxAbsErr === null ? '-' : r.maxAbsErr === Infinity ? 'inf' : r.maxAbsErr.toExponential(2);
  return `${r.outcome.padEnd(15)}  ${r.name.padEnd(width)}  max_abs_err ${err.padEnd(9)}  ${r.detail}`.trimEnd();
}

async function runCase(jsonPath: string): Promise<CaseResult> {
  const name = jsonPath.replace(/^.*\//, '').replace(/\.json$/, '');
  let fixture: Fixture;
  try {
    fixture = loadFixture(jsonPath);
  } catch (err) {
    return { name, outcome: 'fail', maxAbsErr: null, detail: `cannot load: ${(err as Error).message}` };
  }
  const { meta } = fixture;
  const handler = handlerFor(meta.variant);
  if (!handler) {
    return { name: meta.name, outcome: 'not-implemented', maxAbsErr: null, detail: `variant '${meta.variant}' (${meta.kind}): no handler yet` };
  }
  tf.engine().startScope();
  try {
    const got = await handler.run(fixture);
    const want = fixture.host.get('output');
    if (!want) return { name: meta.name, outcome: 'fail', maxAbsErr: null, detail: 'the case has no `output` tensor' };
    const c = compare(await got.data(), got.shape, want.data, want.shape, meta.atol, meta.rtol);
    if (c.shapeMismatch) return { name: meta.name, outcome: 'fail', maxAbsErr: null, detail: c.shapeMismatch };
    const tol = `atol ${meta.atol}, rtol ${meta.rtol}`;
    const detail = c.ok
      ? `${handler.owner} (${tol})`
      : `worst at [${unravel(c.worst, want.shape).join(', ')}]: got ${(await got.data())[c.worst]}, want ${want.data[c.worst]} (${tol})`;
    return { name: meta.name, outcome: c.ok ? 'pass' : 'fail', maxAbsErr: c.maxAbsErr, detail };
  } catch (err) {
    return { name: meta.name, outcome: 'fail', maxAbsErr: null, detail: `error: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    tf.engine().endScope();
  }
}

/** Runs every case of `folder` on the active backend, reporting each as it finishes. */
export async function runFixtures(
  folder: string,
  { only, onResult }: { only?: string; onResult?: (r: CaseResult) => void } = {},
): Promise<RunSummary> {
  const cases = listCases(folder).filter((p) => !only || p.includes(only));
  const results: CaseResult[] = [];
  for (const path of cases) {
    const r = await runCase(path);
    results.push(r);
    onResult?.(r);
  }
  return {
    results,
    passed: results.filter((r) => r.outcome === 'pass').length,
    failed: results.filter((r) => r.outcome === 'fail').length,
    skipped: results.filter((r) => r.outcome === 'not-implemented').length,
  };
}
