import { isCallable, PyDict, PySet, PyTuple, show, typeName, type PyCallable, type UnpickleHooks } from './unpickler.js';
import { itemSize, StorageRef, TensorRef, TORCH_DTYPES, viewProblem, type TorchDtype } from './tensor-rebuild.js';

/**
 * The only Python names a state dict checkpoint may use, and what each means
 * here: `collections.OrderedDict`, torch's tensor and parameter rebuild
 * functions, storage types and dtypes. Every other GLOBAL is refused with its
 * name — or, when the caller asks to skip unknown classes, becomes an inert
 * placeholder. Nothing named in the file is ever looked up or executed.
 */

/** What the pickle calls `torch.FloatStorage` and friends: a storage type, never called. */
export class StorageType {
  constructor(readonly qualname: string, readonly dtype: TorchDtype | 'untyped') {}
}

/** A `torch.float32`-style dtype object (argument of `_rebuild_tensor_v3`). */
export class DtypeValue {
  constructor(readonly qualname: string, readonly dtype: TorchDtype) {}
}

/** A class named only as a value (`torch.Tensor`, `torch.nn.parameter.Parameter`). */
export class ClassValue {
  constructor(readonly qualname: string) {}
}

/** An object of a class outside the allow-list, kept as its class name and never built. */
export class OpaqueObject {
  state: unknown = undefined;
  constructor(readonly className: string) {}
}

/** A class outside the allow-list, in `unknownClasses: 'skip'` mode: calling it gives an `OpaqueObject`. */
class OpaqueClass implements PyCallable {
  constructor(readonly qualname: string) {}
  call(): OpaqueObject {
    return new OpaqueObject(this.qualname);
  }
}

// Maps, not object literals: names come from the file, and `'toString' in {}` is true.
const STORAGE_DTYPES = new Map<string, TorchDtype>(Object.entries({
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', DoubleStorage: 'float64',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
} as const));
const DTYPE_NAMES = new Map<string, TorchDtype>(Object.entries({
  float32: 'float32', float: 'float32', float16: 'float16', half: 'float16', bfloat16: 'bfloat16', float64: 'float64', double: 'float64',
  int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', int16: 'int16', short: 'int16', int8: 'int8', uint8: 'uint8', bool: 'bool',
} as const));
const UNTYPED_STORAGE = new Set(['torch.UntypedStorage', 'torch.storage.UntypedStorage', 'torch._UntypedStorage', 'torch.storage._UntypedStorage']);
const SUPPORTED = Object.keys(TORCH_DTYPES).join(', ');

/** Modules whose names a state dict never needs and a malicious pickle does: refused even when skipping unknown classes. */
const RUNS_CODE = [
  'os', 'posix', 'nt', 'subprocess', 'sys', 'importlib', 'runpy', 'pickle', '_pickle', 'marshal', 'code', 'codeop', 'ctypes',
  'shutil', 'socket', 'operator', '_operator', 'functools', 'types', 'webbrowser', 'pty', 'io', '_io', 'tempfile', 'pathlib',
  'multiprocessing', 'asyncio', 'threading', 'signal', 'pdb', 'timeit', 'platform', 'urllib', 'http', 'inspect', 'torch.jit',
  'torch.hub', 'torch.serialization', 'torch._C', 'numpy.testing', 'nturl2path', 'linecache', 'distutils', 'setuptools', 'pip',
];
/** Harmless builtin types; any other `builtins` name (eval, exec, getattr, open, __import__, …) runs code. */
const INERT_BUILTINS = new Set(['object', 'complex', 'slice', 'range', 'bytes', 'bytearray', 'int', 'float', 'str', 'bool', 'list', 'tuple', 'dict']);

export type UnknownClasses = 'refuse' | 'skip';

export interface TorchGlobalsContext {
  unknownClasses: UnknownClasses;
  /** Finds the record of storage `key` (`<archive>/data/<key>`) and checks its size. */
  storage(key: string, type: StorageType, numel: number, location: string): StorageRef;
  /** The file is malformed. */
  fail(msg: string): never;
  /** The file asks for something this reader will not do (run code, build a class, read a dtype it lacks). */
  refuse(msg: string): never;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

function intTuple(v: unknown, what: string, fail: (msg: string) => never): number[] {
  if (!(v instanceof PyTuple) && !Array.isArray(v)) fail(`${what} must be a tuple of ints, got ${typeName(v)}`);
  const items = v instanceof PyTuple ? v.items : (v as unknown[]);
  if (!items.every((d) => isInt(d) && d >= 0)) fail(`${what} must hold non-negative ints, got (${items.map(show).join(', ')})`);
  return items as number[];
}

/** `backward_hooks` of a saved tensor: an empty OrderedDict, since a hook is code. */
function checkNoHooks(hooks: unknown, fail: (msg: string) => never): void {
  if (hooks !== null && hooks !== undefined && !(hooks instanceof PyDict && hooks.items.size === 0)) {
    fail('a tensor saved with backward hooks, which are code; a state dict carries none');
  }
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])` and its relatives. */
function rebuildTensorRef(args: readonly unknown[], dtype: TorchDtype | null, fail: (msg: string) => never): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) return fail(`a tensor's storage must be a persistent storage record, got ${typeName(storage)}`);
  if (dtype && storage.dtype !== 'untyped' && storage.dtype !== dtype) fail(`a ${dtype} tensor on ${storage.dtype} storage '${storage.key}'`);
  const type = dtype ?? (storage.dtype === 'untyped' ? fail(`tensor storage '${storage.key}' is untyped but no dtype was given`) : storage.dtype);
  if (!isInt(offset) || offset < 0) fail(`a tensor's storage offset must be a non-negative int, got ${show(offset)}`);
  const shape = intTuple(size, 'a tensor size', fail);
  const strides = intTuple(stride, 'a tensor stride', fail);
  const problem = viewProblem(Math.floor(storage.byteLength / itemSize(type)), offset as number, shape, strides);
  if (problem) fail(`tensor on storage '${storage.key}' (${type}): ${problem}`);
  return new TensorRef(storage, type, offset as number, shape, strides);
}

/** The items of a list or tuple argument (none when absent). */
function sequence(v: unknown, what: string, fail: (msg: string) => never): unknown[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return [...v];
  if (v instanceof PyTuple) return [...v.items];
  return fail(`${what}(${typeName(v)}): expected a list or tuple`);
}

function callable(qualname: string, call: (args: readonly unknown[]) => unknown): PyCallable {
  return { qualname, call };
}

/** The callables a state dict needs, by qualified name. */
function allowedCallables(ctx: TorchGlobalsContext): Map<string, PyCallable> {
  const { fail, refuse } = ctx;
  const tensorV2 = (args: readonly unknown[]): TensorRef => {
    if (args.length < 4) fail(`_rebuild_tensor_v2 takes at least 4 arguments, got ${args.length}`);
    checkNoHooks(args[5], fail);
    return rebuildTensorRef(args, null, fail);
  };
  const parameter = (args: readonly unknown[]): TensorRef => {
    if (!(args[0] instanceof TensorRef)) fail(`a Parameter must wrap a tensor, got ${typeName(args[0])}`);
    checkNoHooks(args[2], fail);
    return args[0] as TensorRef;
  };
  const entries: [string, (args: readonly unknown[]) => unknown][] = [
    ['collections.OrderedDict', (args) => {
      const d = new PyDict('collections.OrderedDict');
      for (const p of sequence(args[0], 'OrderedDict', fail)) {
        const kv = p instanceof PyTuple ? p.items : Array.isArray(p) ? p : [];
        if (kv.length !== 2 || (typeof kv[0] !== 'string' && !isInt(kv[0]))) fail('OrderedDict items must be (key, value) pairs');
        d.items.set(kv[0] as string | number, kv[1]);
      }
      return d;
    }],
    ['torch._utils._rebuild_tensor_v2', tensorV2],
    ['torch._utils._rebuild_tensor', (args) => rebuildTensorRef(args, null, fail)],
    ['torch._utils._rebuild_tensor_v3', (args) => {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata]); torch ≥ 2.3 uses it for new dtypes.
      const dtype = args[6];
      if (!(dtype instanceof DtypeValue)) fail(`_rebuild_tensor_v3 needs a dtype, got ${typeName(dtype)}`);
      checkNoHooks(args[5], fail);
      return rebuildTensorRef(args, (dtype as DtypeValue).dtype, fail);
    }],
    ['torch._utils._rebuild_parameter', parameter],
    ['torch._utils._rebuild_parameter_with_state', parameter],
    ['torch._tensor._rebuild_from_type_v2', (args) => {
      // (func, new_type, args, state): a tensor with Python attributes; the attributes are dropped.
      const [func, type, inner] = args;
      if (!(type instanceof ClassValue)) fail(`_rebuild_from_type_v2 with type ${typeName(type)}`);
      if (!(inner instanceof PyTuple)) fail('_rebuild_from_type_v2 needs a tuple of arguments');
      if (!isCallable(func)) fail(`_rebuild_from_type_v2 needs a rebuild function, got ${typeName(func)}`);
      return (func as PyCallable).call((inner as PyTuple).items);
    }],
    ['builtins.set', (args) => new PySet(sequence(args[0], 'set', fail))],
    ['builtins.frozenset', (args) => new PySet(sequence(args[0], 'frozenset', fail))],
    ['_codecs.encode', (args) => {
      // Protocol 2 pickles `bytes` as _codecs.encode(text, 'latin1').
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) fail('_codecs.encode is read only for latin1 bytes');
      const out = new Uint8Array((text as string).length);
      for (let i = 0; i < out.length; i++) {
        const c = (text as string).charCodeAt(i);
        if (c > 0xff) fail('_codecs.encode of a character outside latin1');
        out[i] = c;
      }
      return out;
    }],
    ['copyreg._reconstructor', (args) => {
      // Protocol 2's generic object rebuild; its class was already refused or made opaque.
      if (args[0] instanceof OpaqueClass) return args[0].call();
      return refuse(`refusing to call copyreg._reconstructor on ${typeName(args[0])}: a state dict needs only tensors and dicts`);
    }],
  ];
  const out = new Map(entries.map(([q, f]) => [q, callable(q, f)]));
  for (const [py2, py3] of [['__builtin__.set', 'builtins.set'], ['__builtin__.frozenset', 'builtins.frozenset'], ['copy_reg._reconstructor', 'copyreg._reconstructor']]) {
    out.set(py2!, out.get(py3!)!);
  }
  return out;
}

function runsCode(module: string, name: string): boolean {
  if (module === 'builtins' || module === '__builtin__') return !INERT_BUILTINS.has(name);
  return RUNS_CODE.some((m) => module === m || module.startsWith(`${m}.`));
}

/** The unpickler hooks for a torch checkpoint: allowed globals, storages as persistent ids. */
export function torchUnpickleHooks(ctx: TorchGlobalsContext): UnpickleHooks {
  const { fail, refuse } = ctx;
  const callables = allowedCallables(ctx);
  const findGlobal = (module: string, name: string): unknown => {
    const qualname = `${module}.${name}`;
    const fn = callables.get(qualname);
    if (fn) return fn;
    const storageDtype = module === 'torch' || module === 'torch.cuda' ? STORAGE_DTYPES.get(name) : undefined;
    if (storageDtype) return new StorageType(qualname, storageDtype);
    if (UNTYPED_STORAGE.has(qualname)) return new StorageType(qualname, 'untyped');
    const dtype = module === 'torch' ? DTYPE_NAMES.get(name) : undefined;
    if (dtype) return new DtypeValue(qualname, dtype);
    if (qualname === 'torch.Tensor' || qualname === 'torch._tensor.Tensor' || qualname === 'torch.nn.parameter.Parameter') return new ClassValue(qualname);
    if ((module === 'torch' || module === 'torch.cuda') && name.endsWith('Storage')) {
      refuse(`${qualname}: tensors of this storage type are not supported (supported dtypes: ${SUPPORTED})`);
    }
    if (runsCode(module, name)) {
      refuse(`refusing to call ${qualname}: a state dict needs only tensors and dicts, and this file names code to run (nothing was executed)`);
    }
    if (ctx.unknownClasses === 'skip') return new OpaqueClass(qualname);
    if (module === '__main__' || module.startsWith('torch.nn.modules.')) {
      refuse(
        `refusing to call ${qualname}: this file pickles a whole model object, not a state dict. ` +
          'Save the weights instead: torch.save(model.state_dict(), f)',
      );
    }
    return refuse(
      `refusing to call ${qualname}: a state dict needs only tensors and dicts (nothing was executed). ` +
        "To read the tensors anyway and keep such objects as inert placeholders, pass { unknownClasses: 'skip' }",
    );
  };

  const persistentLoad = (pid: unknown): StorageRef => {
    const t = pid instanceof PyTuple ? pid.items : null;
    if (!t || t[0] !== 'storage' || t.length !== 5) {
      return fail(`a persistent id other than ('storage', type, key, location, numel): ${t ? `a tuple of ${t.length} starting ${show(t[0])}` : show(pid)}`);
    }
    const [, type, key, location, numel] = t;
    if (!(type instanceof StorageType)) fail(`a storage whose type is ${typeName(type)}, not a torch storage type`);
    if (typeof key !== 'string' || typeof location !== 'string') fail('a storage key and location must be strings');
    if (!isInt(numel) || numel < 0) fail(`storage '${String(key)}' declares ${show(numel)} items`);
    return ctx.storage(key as string, type as StorageType, numel as number, location as string);
  };

  const build = (target: unknown, state: unknown): boolean => {
    if (target instanceof OpaqueObject) {
      target.state = state;
      return true;
    }
    return false;
  };
  // An opaque object (a dict or list subclass, say) takes SETITEM/APPEND and keeps nothing.
  const inert = (target: unknown): boolean => target instanceof OpaqueObject;
  return { findGlobal, persistentLoad, build, inert, fail };
}
