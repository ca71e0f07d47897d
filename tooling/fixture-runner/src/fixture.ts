import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FixtureCase } from '@attention-zoo/attention-core';
import { hostToTensor, readSafetensors, type HostTensor } from '@attention-zoo/attention-core/weights';

/** The JSON half of a case (see shared/fixtures/README.md). */
export interface FixtureMeta {
  name: string;
  kind: 'functional' | 'module' | 'model';
  variant: string;
  source?: Record<string, unknown>;
  config: Record<string, unknown>;
  layout?: string;
  spatial?: { H: number; W: number };
  atol: number;
  rtol: number;
  notes?: string;
  seed?: number;
  tensors: Record<string, number[]>;
}

/** A case: its metadata and its tensors (inputs, `output`, and `params.<key>` for modules), as handlers see it. */
export interface Fixture extends FixtureCase {
  meta: FixtureMeta;
  host: Map<string, HostTensor>;
}

export class FixtureError extends Error {
  override name = 'FixtureError';
}

export function loadFixture(jsonPath: string): Fixture {
  const name = basename(jsonPath, '.json');
  let meta: FixtureMeta;
  try {
    meta = JSON.parse(readFileSync(jsonPath, 'utf8')) as FixtureMeta;
  } catch (err) {
    throw new FixtureError(`${name}: cannot read ${jsonPath}: ${(err as Error).message}`);
  }
  for (const key of ['name', 'kind', 'variant', 'atol', 'rtol', 'tensors'] as const) {
    if (meta[key] === undefined) throw new FixtureError(`${name}: ${jsonPath} has no "${key}"`);
  }
  const stPath = jsonPath.replace(/\.json$/, '.safetensors');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(stPath);
  } catch (err) {
    throw new FixtureError(`${name}: cannot read ${stPath}: ${(err as Error).message}`);
  }
  const host = readSafetensors(bytes, { source: stPath }).tensors;
  for (const [t, shape] of Object.entries(meta.tensors)) {
    const got = host.get(t);
    if (!got) throw new FixtureError(`${name}: the JSON lists tensor '${t}' but ${basename(stPath)} has no such tensor`);
    if (got.shape.join() !== shape.join()) {
      throw new FixtureError(`${name}: tensor '${t}' is [${got.shape}] in the file but [${shape}] in the JSON`);
    }
  }
  const hostTensor = (t: string): HostTensor => {
    const h = host.get(t);
    if (!h) throw new FixtureError(`${meta.name}: no tensor '${t}' (has: ${[...host.keys()].filter((k) => !k.startsWith('params.')).join(', ')})`);
    return h;
  };
  return {
    meta,
    host,
    name: meta.name,
    variant: meta.variant,
    kind: meta.kind,
    config: meta.config,
    spatial: meta.spatial,
    hostTensor,
    tensor: (t: string) => hostToTensor(hostTensor(t)),
    stateDict() {
      const sd = new Map<string, HostTensor>();
      for (const [k, v] of host) if (k.startsWith('params.')) sd.set(k.slice('params.'.length), v);
      return sd;
    },
  };
}
