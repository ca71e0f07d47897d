import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttention, SafetensorsError, WeightLoadError } from '@attention-zoo/attention-core';
import {
  loadStateDict,
  readSafetensors,
  softmaxKeyMaps,
  torch,
  writeSafetensors,
  type HostTensor,
} from '@attention-zoo/attention-core/weights';
import { denseSoftmaxReference } from '@attention-zoo/attention-core/testing';
import { expectClose, useBackend } from '@attention-zoo/test-utils';

/** Builds a safetensors file by hand, so tests can make it lie. */
function rawFile(header: unknown, data: Uint8Array, { headerLength }: { headerLength?: bigint } = {}): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const host = (shape: number[], data: number[]): HostTensor => ({ dtype: 'float32', shape, data: Float32Array.from(data) });

describe('safetensors', () => {
  beforeAll(() => useBackend('cpu'));

  it('round-trips float32, int32 and bool tensors with metadata', async () => {
    const bytes = await writeSafetensors(
      { a: tf.tensor2d([[1.5, -2], [3, 4e-8]]), b: tf.tensor1d([7, -9], 'int32'), c: tf.tensor1d([true, false, true], 'bool') },
      { format: 'pt' },
    );
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0); // header padded to 8 bytes, as the reference writer does
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.tensors.keys()]).toEqual(['a', 'b', 'c']);
    expect(file.tensors.get('a')).toMatchObject({ dtype: 'float32', shape: [2, 2] });
    expect(Array.from(file.tensors.get('a')!.data)).toEqual([1.5, -2, 3, Math.fround(4e-8)]);
    expect(Array.from(file.tensors.get('b')!.data)).toEqual([7, -9]);
    expect(Array.from(file.tensors.get('c')!.data)).toEqual([1, 0, 1]);
  });

  it('reads a shared fixture written by PyTorch (vendored copy in tooling/fixture-runner)', () => {
    const path = fileURLToPath(new URL('../../../tooling/fixture-runner/fixtures/shared/softmax_attention.safetensors', import.meta.url));
    const file = readSafetensors(readFileSync(path), { source: path });
    expect(file.tensors.get('q')!.shape).toEqual([2, 2, 16, 8]);
    expect(file.tensors.get('output')!.sourceDtype).toBe('F32');
  });

  it('converts F16, BF16, F64, I64 and U8 to tfjs dtypes', () => {
    const data = new Uint8Array(2 + 2 + 8 + 8 + 1);
    const v = new DataView(data.buffer);
    v.setUint16(0, 0x3c00, true); // f16 1.0
    v.setUint16(2, 0xc040, true); // bf16 -3.0
    v.setFloat64(4, 0.1, true);
    v.setBigInt64(12, -5n, true);
    v.setUint8(20, 200);
    const file = readSafetensors(
      rawFile(
        {
          h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [2, 4] },
          d: { dtype: 'F64', shape: [], data_offsets: [4, 12] },
          i: { dtype: 'I64', shape: [1], data_offsets: [12, 20] },
          u: { dtype: 'U8', shape: [1, 1], data_offsets: [20, 21] },
        },
        data,
      ),
    );
    expect(file.tensors.get('h')!.data[0]).toBe(1);
    expect(file.tensors.get('b')!.data[0]).toBe(-3);
    expect(file.tensors.get('d')!.data[0]).toBeCloseTo(0.1, 7);
    expect(file.tensors.get('i')).toMatchObject({ dtype: 'int32', data: Int32Array.from([-5]) });
    expect(file.tensors.get('u')).toMatchObject({ dtype: 'int32', shape: [1, 1] });
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['a file shorter than the length field', () => new Uint8Array(5), /5 bytes long/],
    ['a header length larger than the file', () => rawFile({}, new Uint8Array(0), { headerLength: 1n << 40n }), /claims 1099511627776 bytes but only 2 follow/],
    ['a truncated file', () => rawFile({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(1, 2)), /'a' spans bytes 0–16 of the data section, which holds only 8 bytes/],
    ['data_offsets that disagree with the shape', () => rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), /needs 12 bytes but its data_offsets span 8/],
    ['overlapping tensors', () => rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /overlaps/],
    ['bytes that belong to no tensor', () => rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /bytes 0–4 of the data section belong to no tensor/],
    ['an unknown dtype', () => rawFile({ a: { dtype: 'F8_E9', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /unknown dtype "F8_E9"/],
    ['a header that is not JSON', () => rawFile('{"a": ', new Uint8Array(0)), /not valid JSON/],
    ['a negative shape', () => rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, new Uint8Array(0)), /invalid shape/],
    ['a header over the size limit', () => rawFile({ __metadata__: { pad: 'x'.repeat(64) } }, new Uint8Array(0)), /over the 32-byte limit/],
    ['an I64 value beyond int32', () => { const d = new Uint8Array(8); new DataView(d.buffer).setBigInt64(0, 1n << 40n, true); return rawFile({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, d); }, /outside the int32 range/],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what} with a SafetensorsError`, () => {
      const bytes = make();
      const limit = what.includes('size limit') ? { maxHeaderBytes: 32 } : {};
      expect(() => readSafetensors(bytes, { source: 'w.safetensors', ...limit })).toThrow(SafetensorsError);
      expect(() => readSafetensors(bytes, { source: 'w.safetensors', ...limit })).toThrow(message);
      expect(() => readSafetensors(bytes, { source: 'w.safetensors', ...limit })).toThrow(/^w\.safetensors: not a valid safetensors file/);
    });
  }
});

describe('loading a PyTorch state_dict', () => {
  beforeAll(() => useBackend('cpu'));
  const dim = 8;
  const lin = (out: number, inp: number, seed: number) =>
    host([out, inp], Array.from({ length: out * inp }, (_, i) => Math.sin(seed * 13 + i)));
  const vec = (n: number, seed: number) => host([n], Array.from({ length: n }, (_, i) => Math.cos(seed + i)));

  it('maps timm Attention keys (fused qkv, proj) and converts Linear layouts', async () => {
    const layer = createAttention('softmax', { dim, numHeads: 2 });
    const x = tf.randomNormal([1, 5, dim], 0, 1, 'float32', 3) as tf.Tensor3D;
    layer.apply(x);
    const sd = { 'qkv.weight': lin(3 * dim, dim, 1), 'qkv.bias': vec(3 * dim, 2), 'proj.weight': lin(dim, dim, 3), 'proj.bias': vec(dim, 4) };
    const report = loadStateDict(layer, sd, softmaxKeyMaps.timm());
    expect(report.loaded).toHaveLength(4);
    // q kernel [in, out] = first third of qkv.weight [out, in], transposed.
    const qk = await layer.weight('q/kernel').read().data();
    expect(qk[1 * dim + 0]).toBeCloseTo(sd['qkv.weight'].data[0 * dim + 1]!, 6);
    const vb = await layer.weight('v/bias').read().data();
    expect(vb[0]).toBeCloseTo(sd['qkv.bias'].data[2 * dim]!, 6);
    // The loaded layer computes softmax attention with those weights.
    await expectClose(layer.apply(x) as tf.Tensor, await denseSoftmaxReference(layer, x), { atol: 1e-5 });
  });

  it('reports missing, unknown and mis-shaped keys together and changes nothing', async () => {
    const layer = createAttention('softmax', { dim, numHeads: 2 });
    layer.apply(tf.zeros([1, 3, dim]));
    const before = await layer.weight('out/kernel').read().data();
    const sd = { 'qkv.weight': lin(3 * dim, dim, 1), 'qkv.bias': vec(3 * dim + 1, 2), 'proj.weight': lin(dim, dim, 3), 'extra.weight': vec(2, 5) };
    let err: unknown;
    try {
      loadStateDict(layer, sd, softmaxKeyMaps.timm());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightLoadError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/nothing was changed/);
    expect(msg).toMatch(/qkv\.bias \[25\]: cannot split 25 rows into 3 equal parts/);
    expect(msg).toMatch(/missing from the state_dict: proj\.bias/);
    expect(msg).toMatch(/not used by this layer: extra\.weight/);
    expect(Array.from(await layer.weight('out/kernel').read().data())).toEqual(Array.from(before));
  });

  it('names the expected and actual shapes of a mismatch, and honours a key prefix', () => {
    const layer = createAttention('softmax', { dim, numHeads: 2 });
    layer.apply(tf.zeros([1, 3, dim]));
    const sd = {
      'blocks.0.attn.qkv.weight': lin(3 * dim, dim, 1),
      'blocks.0.attn.qkv.bias': vec(3 * dim, 2),
      'blocks.0.attn.proj.weight': lin(dim, dim + 1, 3),
      'blocks.0.attn.proj.bias': vec(dim, 4),
      'blocks.1.attn.proj.bias': vec(dim, 4),
    };
    expect(() => loadStateDict(layer, sd, softmaxKeyMaps.timm(), { prefix: 'blocks.0.attn.' })).toThrow(
      /blocks\.0\.attn\.proj\.weight \[8, 9\] → 'out\/kernel': expected \[8, 8\], got \[9, 8\] after conversion/,
    );
  });

  it('converts conv layouts: Conv2d [out, in, kh, kw] → [kh, kw, in, out], depthwise → [kh, kw, C, 1]', () => {
    const w = host([2, 3, 1, 2], Array.from({ length: 12 }, (_, i) => i));
    const [c] = torch.conv2d(w);
    expect(c!.shape).toEqual([1, 2, 3, 2]);
    // element [o=1, i=2, h=0, w=1] = 1*6 + 2*2 + 0 + 1 = 11 lands at [h=0, w=1, i=2, o=1].
    expect(c!.data[((0 * 2 + 1) * 3 + 2) * 2 + 1]).toBe(11);
    const dw = torch.depthwiseConv2d(host([4, 1, 3, 3], Array.from({ length: 36 }, (_, i) => i)));
    expect(dw[0]!.shape).toEqual([3, 3, 4, 1]);
    expect(() => torch.depthwiseConv2d(host([4, 2, 3, 3], new Array(72).fill(0)))).toThrow(/expects \[C, 1, kh, kw\]/);
  });
});
