import { TorchCheckpointError } from '../../errors.js';
import type { HostTensor } from '../safetensors.js';
import { readZipArchive, type ZipArchive } from './zip-archive.js';
import { PyDict, typeName, unpickle } from './unpickler.js';
import { torchUnpickleHooks, type StorageType, type UnknownClasses } from './torch-globals.js';
import { elementCount, itemSize, rebuildTensor, StorageRef, TensorRef } from './tensor-rebuild.js';
import { chooseStateDict, describeSiblings, flattenStateDict, type IgnoredEntry } from './state-dict-tree.js';

export interface ReadTorchCheckpointOptions {
  /** Names the source in error messages (e.g. the file path). */
  source?: string;
  /**
   * Which top-level entry holds the state dict (e.g. `'model_ema'`); `null`
   * reads every tensor of the file under keys prefixed by their top-level key.
   * Default: the file itself when it holds tensors at the top, else the first
   * of `state_dict`, `model`, `model_state_dict`, …, `model_ema` present, else
   * the only entry holding tensors.
   */
  pick?: string | null;
  /**
   * What to do when the pickle names a class outside what a state dict needs
   * (`argparse.Namespace` args, a yacs config, numpy scalars): `'refuse'`
   * (default) throws naming it; `'skip'` keeps it as an inert placeholder,
   * reported in `ignored`. Either way nothing is executed, and names that run
   * code (`builtins.eval`, `os.system`, …) are always refused.
   */
  unknownClasses?: UnknownClasses;
  /** Check each entry read against its zip CRC-32 (default true). */
  verifyCrc?: boolean;
  /**
   * Most elements the returned tensors may hold together. Views can repeat
   * storage items (tied weights, expanded tensors), so a few bytes of pickle
   * could otherwise ask for gigabytes. Default: max(16 Mi, 2 × file bytes).
   */
  maxElements?: number;
}

export interface TorchCheckpoint {
  /** The state dict's tensors by dotted key, in the file's order, as contiguous host tensors. */
  tensors: Map<string, HostTensor>;
  /** The top-level key that held the state dict (`'model'`, `'state_dict'`, …), or null when the file is the state dict. */
  stateDictKey: string | null;
  /** Entries that are not tensors (epoch, args, optimizer state beside the state dict, …): described, not read. */
  ignored: IgnoredEntry[];
  /** The keys of the file's top-level dict. */
  topLevelKeys: string[];
  /** The archive's folder name, its `version` record, and its byte order (`byteorder` record; little when absent, as torch assumes). */
  archive: { name: string; formatVersion: number | null; byteOrder: 'little' | 'big' };
}

const PICKLE_PROTO = 0x80;

/** Formats that are not a torch.save zip archive, told apart by their first bytes. */
function notAZipCheckpoint(u8: Uint8Array): string | null {
  if (u8.length >= 2 && u8[0] === PICKLE_PROTO && u8[1]! <= 5) {
    return (
      'this is a legacy PyTorch checkpoint (a raw pickle stream, as torch < 1.6 or ' +
      '_use_new_zipfile_serialization=False writes); this reader takes the zip format. ' +
      'Re-save it with torch >= 1.6: torch.save(torch.load(path), new_path), or convert it to safetensors'
    );
  }
  if (u8.length >= 262 && new TextDecoder().decode(u8.subarray(257, 262)) === 'ustar') {
    return 'this is a tar-format PyTorch checkpoint (torch < 0.4); re-save it with torch >= 1.6: torch.save(torch.load(path), new_path)';
  }
  if (u8.length >= 9 && u8[8] === 0x7b && new DataView(u8.buffer, u8.byteOffset).getBigUint64(0, true) < BigInt(u8.length)) {
    return 'this looks like a safetensors file; read it with readSafetensors';
  }
  return null;
}

/** The `<archive>/` folder holding `data.pkl`, with TorchScript archives told apart. */
function archiveFolder(zip: ZipArchive, fail: (msg: string) => never): string {
  const names = [...zip.entries.keys()];
  const pickles = names.filter((n) => /^[^/]*\/data\.pkl$/.test(n));
  if (pickles.length === 0) {
    fail(`the zip archive has no <archive>/data.pkl entry, so it is not a torch.save checkpoint (entries: ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})`);
  }
  if (pickles.length > 1) fail(`the zip archive holds several data.pkl entries (${pickles.join(', ')})`);
  const folder = pickles[0]!.slice(0, -'data.pkl'.length);
  if (zip.entries.has(`${folder}constants.pkl`) || names.some((n) => n.startsWith(`${folder}code/`))) {
    fail('this is a TorchScript archive (torch.jit.save), not a state dict; save the weights with torch.save(model.state_dict(), path)');
  }
  return folder;
}

function byteOrder(zip: ZipArchive, folder: string, fail: (msg: string) => never): 'little' | 'big' {
  if (!zip.entries.has(`${folder}byteorder`)) return 'little';
  const text = new TextDecoder().decode(zip.read(`${folder}byteorder`)).trim();
  if (text !== 'little' && text !== 'big') fail(`the byteorder record says '${text.slice(0, 20)}', not 'little' or 'big'`);
  return text as 'little' | 'big';
}

function formatVersion(zip: ZipArchive, folder: string): number | null {
  if (!zip.entries.has(`${folder}version`)) return null;
  const v = Number(new TextDecoder().decode(zip.read(`${folder}version`)).trim());
  return Number.isSafeInteger(v) ? v : null;
}

/**
 * Reads a PyTorch checkpoint as `torch.save` writes it since 1.6 (a zip of
 * `<archive>/data.pkl` and one `<archive>/data/<key>` record per storage) —
 * in TypeScript, without Python. The pickle is read by a restricted unpickler
 * that knows only what a state dict needs (dicts, OrderedDict, lists, tuples,
 * numbers, strings, tensors rebuilt from storages) and never executes
 * anything; any other class is refused by name. Views (transposes, strided
 * slices, offsets, tensors sharing a storage) become contiguous host tensors;
 * float16, bfloat16 and float64 arrive as float32, int64 as int32 (when it
 * fits), with the stored dtype in `sourceDtype`. Nested checkpoints
 * (`{'model': state_dict, 'epoch': 3}`) give the state dict, flattened to
 * dotted keys. Every offset and length is checked, so a truncated or corrupt
 * file is a `TorchCheckpointError` naming the problem.
 */
export function readTorchCheckpoint(bytes: Uint8Array | ArrayBuffer, options: ReadTorchCheckpointOptions = {}): TorchCheckpoint {
  const src = options.source ? `${options.source}: ` : '';
  const fail = (msg: string): never => {
    throw new TorchCheckpointError(`${src}not a readable PyTorch checkpoint: ${msg}`);
  };
  const refuse = (msg: string): never => {
    throw new TorchCheckpointError(`${src}${msg}`);
  };
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const other = notAZipCheckpoint(u8);
  if (other) fail(other);

  const zip = readZipArchive(u8, { verifyCrc: options.verifyCrc ?? true, fail });
  const folder = archiveFolder(zip, fail);
  const order = byteOrder(zip, folder, fail);
  const pickle = zip.read(`${folder}data.pkl`);

  const storages = new Map<string, StorageRef>();
  const storage = (key: string, type: StorageType, numel: number, location: string): StorageRef => {
    const seen = storages.get(key);
    if (seen) {
      if (seen.dtype !== type.dtype) fail(`storage '${key}' is used as both ${seen.dtype} and ${type.dtype}`);
      return seen;
    }
    const name = `${folder}data/${key}`;
    const entry = zip.entries.get(name);
    if (!entry) fail(`storage '${key}' has no record ${name} in the archive`);
    const byteLength = type.dtype === 'untyped' ? numel : numel * itemSize(type.dtype);
    if (entry!.size !== byteLength) {
      fail(`storage '${key}' (${type.qualname}) declares ${numel} items, ${byteLength} bytes, but its record holds ${entry!.size}`);
    }
    const ref = new StorageRef(key, type.dtype, byteLength, location, () => zip.read(name));
    storages.set(key, ref);
    return ref;
  };
  const root = unpickle(pickle, torchUnpickleHooks({ unknownClasses: options.unknownClasses ?? 'refuse', storage, fail, refuse }));

  if (root instanceof TensorRef) fail('the file holds a single tensor, not a state dict; save a dict: torch.save({"weight": t}, path)');
  if (!(root instanceof PyDict)) fail(`the file holds a ${typeName(root)}, not a state dict (a dict of tensors)`);
  const top = root as PyDict;
  const chosen = chooseStateDict(top, options.pick, fail);
  const flat = flattenStateDict(chosen.dict, Math.max(4096, pickle.length), fail);

  const maxElements = options.maxElements ?? Math.max(2 ** 24, 2 * u8.length);
  const littleEndian = order === 'little';
  let total = 0;
  const tensors = new Map<string, HostTensor>();
  for (const [key, ref] of flat.tensors) {
    total += elementCount(ref.shape); // finite: each view passed viewProblem while unpickling
    if (total > maxElements) {
      fail(`tensor '${key}' [${ref.shape.join(', ')}] brings the tensors read to ${total} elements, over the limit of ${maxElements} (options.maxElements)`);
    }
    tensors.set(key, rebuildTensor(ref, key, littleEndian, fail));
  }
  return {
    tensors,
    stateDictKey: chosen.key,
    ignored: [...describeSiblings(top, chosen, fail), ...flat.ignored],
    topLevelKeys: [...top.items.keys()].map(String),
    archive: { name: folder.slice(0, -1), formatVersion: formatVersion(zip, folder), byteOrder: order },
  };
}
