import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttention, SafetensorsError, WeightLoadError } from '@attention-zoo/attention-core';
import { loadStateDict, readSafetensors, softmaxKeyMaps, type HostTensor } from '@attention-zoo/attention-core/weights';
import { useBackend } from '@attention-zoo/test-utils';

/** A safetensors file from a header text as given (so tests can make it odd) and its data. */
function rawFile(headerText: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const f32 = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

describe('safetensors: the header is read exactly', () => {
  it('accepts "__metadata__": null (what Python writers emit for no metadata)', () => {
    const file = readSafetensors(rawFile(JSON.stringify({ __metadata__: null, a: entry('F32', [1], 0, 4) }), f32(2)));
    expect(file.metadata).toEqual({});
    expect(Array.from(file.tensors.get('a')!.data)).toEqual([2]);
  });

  it('refuses a tensor named twice (JSON.parse would keep the last silently)', () => {
    const text = `{"a":${JSON.stringify(entry('F32', [1], 0, 4))},"a":${JSON.stringify(entry('F32', [1], 4, 8))}}`;
    expect(() => readSafetensors(rawFile(text, f32(1, 2)))).toThrow(SafetensorsError);
    expect(() => readSafetensors(rawFile(text, f32(1, 2)))).toThrow(/names 'a' twice/);
    // A key repeated inside an entry is as ambiguous.
    const inner = '{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expect(() => readSafetensors(rawFile(inner, f32(1)))).toThrow(/names 'dtype' twice/);
    // The same name in different objects is fine; strings with quotes and escapes are skipped whole.
    const ok = `{"__metadata__":{"a":"x\\"}{,","b":"y"},"a":${JSON.stringify(entry('F32', [1], 0, 4))}}`;
    expect(readSafetensors(rawFile(ok, f32(3))).metadata).toEqual({ a: 'x"}{,', b: 'y' });
  });

  it('refuses a byte-order mark or whitespace before the header', () => {
    const text = JSON.stringify({ a: entry('F32', [1], 0, 4) });
    expect(() => readSafetensors(rawFile('\uFEFF' + text, f32(1)))).toThrow(/byte-order mark/);
    expect(() => readSafetensors(rawFile(' ' + text, f32(1)))).toThrow(/starts with whitespace/);
    expect(() => readSafetensors(rawFile('\n' + text, f32(1)))).toThrow(SafetensorsError);
    // Trailing spaces are the format's padding.
    expect(readSafetensors(rawFile(text + '   ', f32(1))).tensors.size).toBe(1);
  });

  it('refuses BOOL bytes other than 0 and 1', () => {
    const text = JSON.stringify({ m: entry('BOOL', [3], 0, 3) });
    expect(Array.from(readSafetensors(rawFile(text, Uint8Array.from([1, 0, 1]))).tensors.get('m')!.data)).toEqual([1, 0, 1]);
    expect(() => readSafetensors(rawFile(text, Uint8Array.from([1, 2, 0])))).toThrow(/'m' \(BOOL\) holds byte 2 at index 1/);
  });
});

describe('loadStateDict is all-or-nothing', () => {
  beforeAll(() => useBackend('cpu'));

  const layer = () => {
    const l = createAttention('softmax', { dim: 4, numHeads: 2, seed: 1 });
    tf.dispose(l.apply(tf.zeros([1, 2, 4])) as tf.Tensor);
    return l;
  };
  const f = (shape: number[], v = 0.5): HostTensor => ({ dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v) });
  const good = (): Record<string, HostTensor> => ({ 'qkv.weight': f([12, 4]), 'qkv.bias': f([12]), 'proj.weight': f([4, 4]), 'proj.bias': f([4]) });
  const snapshot = (l: ReturnType<typeof layer>) => l.weightPaths().map((p) => Array.from(l.weight(p).read().dataSync()));

  it('refuses integer and boolean tensors for float weights, before any weight changes', () => {
    const l = layer();
    const before = snapshot(l);
    const tensors = tf.memory().numTensors;
    const ints: Record<string, HostTensor> = { ...good(), 'proj.bias': { dtype: 'int32', shape: [4], data: Int32Array.from([1, 2, 3, 4]), sourceDtype: 'I64' } };
    expect(() => loadStateDict(l, ints, softmaxKeyMaps.timm())).toThrow(WeightLoadError);
    expect(() => loadStateDict(l, ints, softmaxKeyMaps.timm())).toThrow(/proj\.bias → 'out\/bias': a I64 tensor cannot fill a float32 weight/);
    const bools: Record<string, HostTensor> = { ...good(), 'proj.bias': { dtype: 'bool', shape: [4], data: Uint8Array.from([1, 0, 1, 0]) } };
    expect(() => loadStateDict(l, bools, softmaxKeyMaps.timm())).toThrow(/a bool tensor cannot fill/);
    expect(snapshot(l)).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    l.dispose();
  });

  it('refuses a tensor whose values do not fill its shape, before any weight changes', () => {
    const l = layer();
    const before = snapshot(l);
    const short: Record<string, HostTensor> = { ...good(), 'proj.bias': { dtype: 'float32', shape: [4], data: new Float32Array(3) } };
    expect(() => loadStateDict(l, short, softmaxKeyMaps.timm())).toThrow(/shape \[4\] needs 4 values, the tensor holds 3/);
    expect(snapshot(l)).toEqual(before);
    // And the good dict loads.
    loadStateDict(l, good(), softmaxKeyMaps.timm());
    expect(Array.from(l.weight('out/bias').read().dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    l.dispose();
  });

  it('refuses two keys written to one weight', () => {
    const l = layer();
    const map = { ...softmaxKeyMaps.timm(), 'other.bias': 'out/bias' };
    expect(() => loadStateDict(l, { ...good(), 'other.bias': f([4]) }, map)).toThrow(/'out\/bias' is also written by proj\.bias/);
    l.dispose();
  });
});
