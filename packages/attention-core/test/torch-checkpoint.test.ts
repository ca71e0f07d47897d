import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAttention } from '@attention-zoo/attention-core';
import { loadStateDict, softmaxKeyMaps, type HostTensor } from '@attention-zoo/attention-core/weights';
import { expectClose, useBackend } from '@attention-zoo/test-utils';
import { readTorchCheckpoint, TorchCheckpointError, type TorchCheckpoint } from '../src/weights/torch-checkpoint/index.js';
import { checkpoint, f32Bytes, PickleWriter, zipArchive } from './torch-archive-builder.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/torch/${name}`, import.meta.url));

interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
interface Expected {
  torch: string;
  stateDictKey: string | null;
  tensors: Record<string, ExpectedTensor>;
  [other: string]: unknown;
}
const expected = (name: string): Expected => JSON.parse(new TextDecoder().decode(fixture(`${name}.expected.json`))) as Expected;

/** The safetensors name each torch dtype is recorded under in `sourceDtype`. */
const SOURCE_DTYPE: Record<string, string> = {
  float32: 'F32', float16: 'F16', bfloat16: 'BF16', float64: 'F64', int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const HOST: Record<string, HostTensor['dtype']> = { F32: 'float32', F16: 'float32', BF16: 'float32', F64: 'float32', BOOL: 'bool' };

/** Exactly torch's values (floats as torch converts them to float32; NaN, ±Infinity and -0 included). */
function expectTensor(key: string, got: HostTensor | undefined, want: ExpectedTensor): void {
  expect(got, `tensor '${key}' is missing`).toBeDefined();
  expect(got!.shape, key).toEqual(want.shape);
  expect(got!.sourceDtype, key).toBe(SOURCE_DTYPE[want.dtype]);
  expect(got!.dtype, key).toBe(HOST[SOURCE_DTYPE[want.dtype]!] ?? 'int32');
  expect(Array.from(got!.data), key).toEqual(want.values.map(Number));
}

function expectAll(ckpt: TorchCheckpoint, want: Expected['tensors']): void {
  expect([...ckpt.tensors.keys()]).toEqual(Object.keys(want));
  for (const [key, t] of Object.entries(want)) expectTensor(key, ckpt.tensors.get(key), t);
}

describe('readTorchCheckpoint on checkpoints written by torch.save (torch 1.13, scripts/make-torch-checkpoints.py)', () => {
  it('reads every dtype: float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool, 0-d and empty tensors', () => {
    const want = expected('dtypes');
    const ckpt = readTorchCheckpoint(fixture('dtypes.pth'));
    expectAll(ckpt, want.tensors);
    expect(ckpt.stateDictKey).toBeNull();
    expect(ckpt.archive).toEqual({ name: 'dtypes', formatVersion: 3, byteOrder: 'little' });
    // float16 specials (±inf, nan, subnormal) and bfloat16's range survive the conversion.
    expect(Array.from(ckpt.tensors.get('float16')!.data.slice(5, 8))).toEqual([Infinity, -Infinity, NaN]);
  });

  it('rebuilds views as contiguous tensors: transposes, offsets, strided slices, permutes, stride-0 expands, overlapping windows, shared storages', () => {
    const ckpt = readTorchCheckpoint(fixture('views.pth'));
    expectAll(ckpt, expected('views').tensors);
    // The same tensor under two keys arrives as two equal, independent copies.
    const [a, b] = [ckpt.tensors.get('tied_a')!, ckpt.tensors.get('tied_b')!];
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(a.data).not.toBe(b.data);
  });

  it("finds the state dict of {'model': ..., 'model_ema': ..., 'optimizer': ..., 'epoch': 3, 'args': {...}} and reports the rest", () => {
    const want = expected('nested');
    const ckpt = readTorchCheckpoint(fixture('nested.pth'));
    expect(ckpt.stateDictKey).toBe('model');
    expectAll(ckpt, want.tensors); // an OrderedDict whose _metadata BUILD is ignored
    expect(ckpt.topLevelKeys).toEqual(['model', 'model_ema', 'optimizer', 'epoch', 'args']);
    expect(ckpt.ignored).toEqual([
      { key: 'model_ema', what: 'collections.OrderedDict of 11 entries (11 tensors, not read)' },
      { key: 'optimizer', what: 'dict of 2 entries (1 tensor, not read)' },
      { key: 'epoch', what: 'int', value: 3 },
      { key: 'args', what: 'dict of 3 entries' },
    ]);
  });

  it('picks another entry on request, or the whole file under prefixed keys', () => {
    const ema = readTorchCheckpoint(fixture('nested.pth'), { pick: 'model_ema' });
    expect(ema.stateDictKey).toBe('model_ema');
    expectAll(ema, expected('nested')['ema'] as Expected['tensors']);
    const all = readTorchCheckpoint(fixture('nested.pth'), { pick: null });
    expect(all.stateDictKey).toBeNull();
    expect(all.tensors.has('model.embed.weight')).toBe(true);
    expect(all.tensors.has('model_ema.norm.num_batches_tracked')).toBe(true);
    expect(all.tensors.has('optimizer.state.0.momentum_buffer')).toBe(true); // int keys join as text
    expect(all.ignored).toContainEqual({ key: 'optimizer.param_groups', what: 'list of 1' });
    expect(all.ignored).toContainEqual({ key: 'args', what: 'dict of 3 entries' }); // a dict without tensors stays one entry
    expect(() => readTorchCheckpoint(fixture('nested.pth'), { pick: 'epoch' })).toThrow(/pick: 'epoch' is a int, not a dict \(top-level keys: 'model', 'model_ema'/);
    expect(() => readTorchCheckpoint(fixture('nested.pth'), { pick: 'ema' })).toThrow(/pick: 'ema' is not a top-level key .*dicts holding tensors: 'model', 'model_ema', 'optimizer'/);
  });

  for (const name of ['simple', 'simple-protocol4', 'simple-protocol5', 'simple-zip64']) {
    it(`reads ${name}.pth (${name.includes('protocol') ? 'FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL' : name.includes('zip64') ? 'ZIP64 records, as torch writes past 4 GiB' : 'pickle protocol 2'})`, () => {
      const ckpt = readTorchCheckpoint(fixture(`${name}.pth`));
      expectAll(ckpt, expected('simple').tensors);
    });
  }

  it('reads nn.Parameter values (_rebuild_parameter)', () => {
    expectAll(readTorchCheckpoint(fixture('parameters.pth')), expected('parameters').tensors);
  });

  it("refuses an argparse.Namespace by name, and with unknownClasses: 'skip' reads the tensors and keeps it inert", () => {
    expect(() => readTorchCheckpoint(fixture('namespace-args.pth'), { source: 'ckpt.pth' })).toThrow(
      /^ckpt\.pth: refusing to call argparse\.Namespace: a state dict needs only tensors and dicts \(nothing was executed\)\. .*unknownClasses: 'skip'/,
    );
    const ckpt = readTorchCheckpoint(fixture('namespace-args.pth'), { unknownClasses: 'skip' });
    expectAll(ckpt, expected('namespace-args').tensors);
    expect(ckpt.ignored).toEqual([
      { key: 'args', what: 'argparse.Namespace (not built)' },
      { key: 'epoch', what: 'int', value: 299 },
    ]);
  });

  const refused: [string, RegExp][] = [
    ['legacy.pth', /legacy PyTorch checkpoint \(a raw pickle stream.*Re-save it with torch >= 1\.6: torch\.save\(torch\.load\(path\), new_path\), or convert it to safetensors/],
    ['whole-model.pth', /refusing to call torch\.nn\.modules\.linear\.Linear: this file pickles a whole model object, not a state dict\. Save the weights instead: torch\.save\(model\.state_dict\(\), f\)/],
    ['runs-code.pth', /refusing to call __builtin__\.eval: a state dict needs only tensors and dicts, and this file names code to run \(nothing was executed\)/],
    ['torchscript.pth', /TorchScript archive \(torch\.jit\.save\)/],
    ['complex.pth', /torch\.ComplexFloatStorage: tensors of this storage type are not supported \(supported dtypes: float32, float16, bfloat16/],
  ];
  for (const [file, message] of refused) {
    it(`rejects ${file} with a TorchCheckpointError saying why`, () => {
      expect(() => readTorchCheckpoint(fixture(file))).toThrow(TorchCheckpointError);
      expect(() => readTorchCheckpoint(fixture(file))).toThrow(message);
    });
  }
  it('refuses code even when skipping unknown classes', () => {
    expect(() => readTorchCheckpoint(fixture('runs-code.pth'), { unknownClasses: 'skip' })).toThrow(/refusing to call __builtin__\.eval/);
  });
});

describe('a checkpoint read without Python drives a layer as PyTorch does', () => {
  beforeAll(() => useBackend('cpu'));

  it('loads a timm ViT attention from a .pth and matches the output torch computed', async () => {
    const want = expected('attention');
    const ckpt = readTorchCheckpoint(fixture('attention.pth'));
    expect(ckpt.stateDictKey).toBe('model');
    const attn = createAttention('softmax', { dim: 16, numHeads: 2 });
    const x = want['x'] as ExpectedTensor;
    const input = tf.tensor3d(x.values.map(Number), x.shape as [number, number, number]);
    attn.apply(input);
    const report = loadStateDict(attn, ckpt.tensors, softmaxKeyMaps.timm(), { prefix: 'blocks.0.attn.' });
    expect(report.loaded).toHaveLength(4);
    const y = want['y'] as ExpectedTensor;
    await expectClose(attn.apply(input) as tf.Tensor, tf.tensor(y.values.map(Number), y.shape), { atol: 1e-5 });
  });
});

describe('readTorchCheckpoint on archives built by hand', () => {
  const linear = new PickleWriter().proto().emptyDict().mark()
    .str('w').tensor({ type: 'FloatStorage', key: '0', numel: 6, size: [2, 3], stride: [3, 1] })
    .str('wt').tensor({ type: 'FloatStorage', key: '0', numel: 6, size: [3, 2], stride: [1, 3] })
    .setitems().stop().toBytes();
  const six = [1, 2, 3, 4, 5, 6];

  it('reads the torch 2.x layout: archive/ folder, byteorder, .data/ records', () => {
    const ckpt = readTorchCheckpoint(checkpoint(linear, { 0: f32Bytes(six) }, { byteorder: 'little', '.data/version': '1\n', '.data/serialization_id': '123\n' }));
    expect(ckpt.archive).toEqual({ name: 'archive', formatVersion: 3, byteOrder: 'little' });
    expect(Array.from(ckpt.tensors.get('w')!.data)).toEqual(six);
    expect(Array.from(ckpt.tensors.get('wt')!.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('reads big-endian storages (byteorder: big), contiguous and strided', () => {
    const ckpt = readTorchCheckpoint(checkpoint(linear, { 0: f32Bytes(six, false) }, { byteorder: 'big' }));
    expect(ckpt.archive.byteOrder).toBe('big');
    expect(Array.from(ckpt.tensors.get('w')!.data)).toEqual(six);
    expect(Array.from(ckpt.tensors.get('wt')!.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('reads an UntypedStorage through _rebuild_tensor_v3 with its dtype, and a tensor subclass through _rebuild_from_type_v2', () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800]).buffer); // 1, -2, 0.5
    const p = new PickleWriter().proto().emptyDict().mark()
      .str('h').global('torch._utils', '_rebuild_tensor_v3').mark()
      .mark().str('storage').global('torch', 'UntypedStorage').str('0').str('cpu').int(6).tuple().persid()
      .int(1).ints([2]).ints([1]).bool(false).global('collections', 'OrderedDict').emptyTuple().reduce().global('torch', 'float16').tuple().reduce()
      .str('sub').global('torch._tensor', '_rebuild_from_type_v2').mark()
      .global('torch._utils', '_rebuild_tensor_v2').global('torch', 'Tensor')
      .mark().storage('FloatStorage', '1', 2).int(0).ints([2]).ints([1]).bool(false).none().tuple()
      .emptyDict().str('tag').str('x').setitem().tuple().reduce()
      .setitems().stop().toBytes();
    const ckpt = readTorchCheckpoint(checkpoint(p, { 0: half, 1: f32Bytes([7, 8]) }));
    expect(ckpt.tensors.get('h')).toMatchObject({ shape: [2], sourceDtype: 'F16', data: Float32Array.from([-2, 0.5]) });
    expect(Array.from(ckpt.tensors.get('sub')!.data)).toEqual([7, 8]);
  });

  const bad: [string, () => Uint8Array, RegExp, object?][] = [
    ['a file too short to be anything', () => new Uint8Array(7), /no zip end-of-central-directory record/],
    ['a zip without data.pkl', () => zipArchive([{ name: 'readme.txt', data: new Uint8Array(3) }]), /no <archive>\/data\.pkl entry.*entries: readme\.txt/],
    ['a deflated entry', () => zipArchive([{ name: 'a/data.pkl', data: deflateRawSync(linear), method: 8 }]), /'a\/data\.pkl' is deflate-compressed; torch\.save writes entries uncompressed\. .*zip -0/],
    ['an encrypted entry', () => zipArchive([{ name: 'a/data.pkl', data: linear, flags: 1 }]), /'a\/data\.pkl' is encrypted/],
    ['a safetensors file', () => { const b = new Uint8Array(16); b[0] = 2; b[8] = 0x7b; b[9] = 0x7d; return b; }, /looks like a safetensors file; read it with readSafetensors/],
    ['a storage record that fails its CRC', () => { const c = checkpoint(linear, { 0: f32Bytes(six) }); const i = indexOf(c, f32Bytes(six)); c[i] ^= 1; return c; }, /entry 'archive\/data\/0' fails its CRC-32 check/],
    ['a storage record missing', () => checkpoint(linear, {}), /storage '0' has no record archive\/data\/0/],
    ['a storage smaller than it claims', () => checkpoint(linear, { 0: f32Bytes([1, 2, 3]) }), /storage '0' \(torch\.FloatStorage\) declares 6 items, 24 bytes, but its record holds 12/],
    ['a view past its storage', () => checkpoint(new PickleWriter().proto().emptyDict().str('w').tensor({ type: 'FloatStorage', key: '0', numel: 6, offset: 2, size: [2, 3], stride: [3, 1] }).setitem().stop().toBytes(), { 0: f32Bytes(six) }), /tensor on storage '0' \(float32\): offset 2, size \[2, 3\] and stride \[3, 1\] reach item 7 of a storage holding 6/],
    ['size and stride of different ranks', () => checkpoint(new PickleWriter().proto().emptyDict().str('w').tensor({ type: 'FloatStorage', key: '0', numel: 6, size: [6], stride: [1, 1] }).setitem().stop().toBytes(), { 0: f32Bytes(six) }), /size has 1 dims but stride has 2/],
    ['a negative size', () => checkpoint(new PickleWriter().proto().emptyDict().str('w').tensor({ type: 'FloatStorage', key: '0', numel: 6, size: [-1], stride: [1] }).setitem().stop().toBytes(), { 0: f32Bytes(six) }), /a tensor size must hold non-negative ints, got \(-1\)/],
    ['one storage under two dtypes', () => checkpoint(new PickleWriter().proto().emptyDict().mark().str('a').tensor({ type: 'FloatStorage', key: '0', numel: 2, size: [2], stride: [1] }).str('b').tensor({ type: 'IntStorage', key: '0', numel: 2, size: [2], stride: [1] }).setitems().stop().toBytes(), { 0: f32Bytes([1, 2]) }), /storage '0' is used as both float32 and int32/],
    ['a persistent id that is not a storage', () => checkpoint(new PickleWriter().proto().emptyDict().str('w').mark().str('module').str('x').tuple().persid().setitem().stop().toBytes(), {}), /a persistent id other than \('storage'/],
    ['os.system by STACK_GLOBAL', () => checkpoint(new PickleWriter().proto(4).stackGlobal('os', 'system').str('echo hi').op(0x85).reduce().stop().toBytes(), {}), /refusing to call os\.system: .*names code to run/, { unknownClasses: 'skip' }],
    ['a name of Object.prototype', () => checkpoint(new PickleWriter().proto().emptyDict().str('w').mark().str('storage').global('torch', 'toString').str('0').str('cpu').int(1).tuple().persid().setitem().stop().toBytes(), { 0: f32Bytes([1]) }), /refusing to call torch\.toString/],
    ['builtins.getattr', () => checkpoint(new PickleWriter().proto().global('builtins', 'getattr').stop().toBytes(), {}), /refusing to call builtins\.getattr/, { unknownClasses: 'skip' }],
    ['a call on a storage type', () => checkpoint(new PickleWriter().proto().global('torch', 'FloatStorage').emptyTuple().reduce().stop().toBytes(), {}), /pickle byte \d+: refusing to call torch\.FloatStorage: a state dict needs only tensors and dicts/],
    ['a pickle cut short', () => checkpoint(linear.subarray(0, 40), { 0: f32Bytes(six) }), /pickle byte \d+: .*truncated/],
    ['an unknown opcode', () => checkpoint(Uint8Array.from([0x80, 2, 0xff]), {}), /pickle byte 2: unknown opcode 0xff/],
    ['a text-protocol opcode', () => checkpoint(new TextEncoder().encode('(dp0\n.'), {}), /opcode PUT is not supported/],
    ['a top-level list', () => checkpoint(new PickleWriter().proto().emptyList().stop().toBytes(), {}), /the file holds a list, not a state dict/],
    ['a single tensor', () => checkpoint(new PickleWriter().proto().tensor({ type: 'FloatStorage', key: '0', numel: 1, size: [], stride: [] }).stop().toBytes(), { 0: f32Bytes([1]) }), /holds a single tensor, not a state dict/],
    ['no tensors at all', () => checkpoint(new PickleWriter().proto().emptyDict().str('epoch').int(3).setitem().stop().toBytes(), {}), /the checkpoint holds no tensors \(top-level keys: 'epoch'/],
    ['two candidate state dicts', () => {
      const p = new PickleWriter().proto().emptyDict().mark();
      for (const [k, key] of [['encoder', '0'], ['decoder', '1']]) p.str(k!).emptyDict().str('w').tensor({ type: 'FloatStorage', key: key!, numel: 1, size: [1], stride: [1] }).setitem();
      return checkpoint(p.setitems().stop().toBytes(), { 0: f32Bytes([1]), 1: f32Bytes([2]) });
    }, /several top-level entries hold tensors; choose one with \{ pick: 'encoder' \}/],
    ['an int64 beyond int32', () => {
      const big = new Uint8Array(8);
      new DataView(big.buffer).setBigInt64(0, 1n << 40n, true);
      return checkpoint(new PickleWriter().proto().emptyDict().str('i').tensor({ type: 'LongStorage', key: '0', numel: 1, size: [1], stride: [1] }).setitem().stop().toBytes(), { 0: big });
    }, /tensor 'i' \(int64\) holds 1099511627776 at index 0, outside the int32 range/],
  ];
  for (const [what, make, message, options] of bad) {
    it(`rejects ${what} with a TorchCheckpointError`, () => {
      const bytes = make();
      let err: unknown;
      try {
        readTorchCheckpoint(bytes, { source: 'x.pth', ...options });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TorchCheckpointError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/^x\.pth: /);
    });
  }

  it('skips the CRC check on request', () => {
    const c = checkpoint(linear, { 0: f32Bytes(six) });
    c[indexOf(c, f32Bytes(six))]! ^= 0x80; // one bit of the first value
    expect(() => readTorchCheckpoint(c)).toThrow(/CRC-32/);
    expect(readTorchCheckpoint(c, { verifyCrc: false }).tensors.get('w')!.data.length).toBe(6);
  });

  it('bounds the elements that views may repeat (maxElements)', () => {
    // One float expanded to a million elements by stride 0: a few bytes of pickle asking for 4 MB.
    const p = new PickleWriter().proto().emptyDict().str('e').tensor({ type: 'FloatStorage', key: '0', numel: 1, size: [1000, 1000], stride: [0, 0] }).setitem().stop().toBytes();
    const bytes = checkpoint(p, { 0: f32Bytes([3]) });
    expect(() => readTorchCheckpoint(bytes, { maxElements: 1000 })).toThrow(/tensor 'e' \[1000, 1000\] brings the tensors read to 1000000 elements, over the limit of 1000 \(options\.maxElements\)/);
    const e = readTorchCheckpoint(bytes).tensors.get('e')!; // the default allows 16 Mi
    expect(e.data.length).toBe(1e6);
    expect(e.data.every((v) => v === 3)).toBe(true);
  });

  it('refuses dicts that share sub-dicts so much that flattening them would never end', () => {
    // d0 = {a: d1, b: d1}, d1 = {a: d2, b: d2}, ...: 2^depth paths to one tensor.
    const POP = 0x30;
    const p = new PickleWriter().proto().emptyDict().str('w').tensor({ type: 'FloatStorage', key: '0', numel: 1, size: [1], stride: [1] }).setitem().put(0).op(POP);
    for (let i = 1; i <= 40; i++) p.emptyDict().mark().str('a').get(i - 1).str('b').get(i - 1).setitems().put(i).op(POP);
    const bytes = checkpoint(p.emptyDict().str('model').get(40).setitem().stop().toBytes(), { 0: f32Bytes([1]) });
    expect(() => readTorchCheckpoint(bytes)).toThrow(/flattening the state dict passes \d+ entries/);
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}
