/**
 * A restricted pickle machine: it builds plain data (dicts, lists, tuples,
 * numbers, strings, bytes) from the opcodes of pickle protocols 2–5 and asks
 * its caller what every GLOBAL means. Nothing is ever looked up by name or
 * executed here: a GLOBAL becomes whatever `findGlobal` returns (or an error),
 * and calling it (REDUCE, NEWOBJ) runs only `PyCallable.call` of an object the
 * caller made. Every read is bounds-checked and every loop is bounded by the
 * input's length, so a malformed stream is an error, never a hang.
 */

/** A Python tuple (immutable; kept apart from lists, which APPEND may grow). */
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A dict key: Python keys of a state dict are strings; ints and tuples (as their repr) appear elsewhere. */
export type DictKey = string | number | bigint | boolean | null;

/** A Python dict or `collections.OrderedDict`, in insertion order. */
export class PyDict {
  readonly items = new Map<DictKey, unknown>();
  /** What BUILD gave it (an OrderedDict state dict's `_metadata`); kept, never interpreted. */
  state: unknown = undefined;
  constructor(readonly className: 'dict' | 'collections.OrderedDict' = 'dict') {}
}

/** A Python set or frozenset (plain data; members in pickle order). */
export class PySet {
  constructor(readonly items: unknown[]) {}
}

/** Something the pickle may call: only objects the caller hands out from `findGlobal`. */
export interface PyCallable {
  readonly qualname: string;
  call(args: readonly unknown[]): unknown;
}

export interface UnpickleHooks {
  /** What GLOBAL `module.name` stands for: a `PyCallable`, an inert value, or a thrown refusal. */
  findGlobal(module: string, name: string): unknown;
  /** Resolves a persistent id (BINPERSID), e.g. torch's `('storage', type, key, location, numel)`. */
  persistentLoad(pid: unknown): unknown;
  /** Applies BUILD to an object that is not a dict (the default refuses). */
  build?(target: unknown, state: unknown): boolean;
  /** Whether SETITEM/APPEND on this object should be accepted and dropped (inert placeholders). */
  inert?(target: unknown): boolean;
  fail(msg: string): never;
}

/** A Python long wider than this is not something a state dict holds. */
const MAX_LONG_BYTES = 64;
const HIGHEST_PROTOCOL = 5;

/** Opcodes this machine refuses by name: protocol 0/1 text forms, extension registry, out-of-band buffers. */
const REFUSED: Record<number, string> = {
  0x46: 'FLOAT', 0x49: 'INT', 0x4c: 'LONG', 0x50: 'PERSID', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x67: 'GET', 0x69: 'INST', 0x6f: 'OBJ', 0x70: 'PUT', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4',
  0x97: 'NEXT_BUFFER', 0x98: 'READONLY_BUFFER',
};

export function isCallable(v: unknown): v is PyCallable {
  return typeof v === 'object' && v !== null && typeof (v as PyCallable).call === 'function' && typeof (v as PyCallable).qualname === 'string';
}

/** Short Python-like name of a value's type, for messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(v) || typeof v === 'bigint' ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.className;
  if (v instanceof PySet) return 'set';
  const qualname = (v as { qualname?: unknown }).qualname;
  if (typeof qualname === 'string') return qualname; // a global: a callable, or a value such as a storage type
  return (v as object).constructor?.name ?? typeof v;
}

/** A value in a message: scalars as Python writes them, anything else by its type. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeName(v);
}

/** A tuple key stands for itself by its Python repr; lists and dicts are unhashable in Python too. */
function dictKey(k: unknown, fail: (msg: string) => never): DictKey {
  if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k === null) return k;
  if (typeof k === 'bigint') return Number.isSafeInteger(Number(k)) ? Number(k) : k;
  if (k instanceof PyTuple) return `(${k.items.map((x) => (typeof x === 'string' ? `'${x}'` : String(dictKey(x, fail)))).join(', ')}${k.items.length === 1 ? ',' : ''})`;
  return fail(`a dict key of type ${typeName(k)} (only strings, numbers and tuples of them are keys)`);
}

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pos = 0;
  let opAt = 0;
  const fail = (msg: string): never => hooks.fail(`pickle byte ${opAt}: ${msg}`);

  const take = (n: number): number => {
    if (n < 0 || pos + n > bytes.length) fail(`an operand of ${n} bytes runs past the end of the ${bytes.length}-byte pickle (truncated?)`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => bytes[take(1)]!;
  const u16 = (): number => view.getUint16(take(2), true);
  const u32 = (): number => view.getUint32(take(4), true);
  const u64 = (): number => {
    const v = view.getBigUint64(take(8), true);
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes is longer than the whole pickle`);
    return Number(v);
  };
  const text = (n: number): string => {
    const at = take(n);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      return fail('a string that is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a GLOBAL name without its terminating newline (truncated?)');
    const s = text(end - pos);
    pos++; // the newline
    return s;
  };
  /** A little-endian two's-complement integer of n bytes (LONG1/LONG4). */
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) fail(`an integer of ${n} bytes; a state dict holds nothing wider than ${MAX_LONG_BYTES}`);
    const at = take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i]!);
    if (bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  };

  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const frameStart = (): number => marks[marks.length - 1] ?? 0;
  const pop = (): unknown => {
    if (stack.length <= frameStart()) fail('the stack is empty (malformed pickle)');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length <= frameStart()) fail('the stack is empty (malformed pickle)');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const mark = marks.pop();
    if (mark === undefined) fail('no MARK to pop to (malformed pickle)');
    return stack.splice(mark!);
  };
  const memoGet = (i: number): unknown => {
    if (!memo.has(i)) fail(`memo entry ${i} was never stored (malformed pickle)`);
    return memo.get(i);
  };
  const memoPut = (i: number): void => void memo.set(i, top());
  const call = (callee: unknown, args: unknown): unknown => {
    if (!(args instanceof PyTuple)) fail(`call arguments must be a tuple, got ${typeName(args)}`);
    if (!isCallable(callee)) fail(`refusing to call ${typeName(callee)}: a state dict needs only tensors and dicts`);
    return (callee as PyCallable).call((args as PyTuple).items);
  };
  const setItems = (target: unknown, kv: readonly unknown[]): void => {
    if (hooks.inert?.(target)) return;
    if (!(target instanceof PyDict)) fail(`SETITEM on a ${typeName(target)}, which is not a dict`);
    for (let i = 0; i < kv.length; i += 2) (target as PyDict).items.set(dictKey(kv[i], fail), kv[i + 1]);
  };
  const appendItems = (target: unknown, items: readonly unknown[]): void => {
    if (hooks.inert?.(target)) return;
    const into = Array.isArray(target) ? target : target instanceof PySet ? target.items : fail(`APPEND on a ${typeName(target)}, which is not a list`);
    for (const v of items) into.push(v); // not push(...items): a long spread overflows the call stack
  };

  while (true) {
    opAt = pos;
    if (pos >= bytes.length) fail('the pickle ends before its STOP opcode (truncated?)');
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > HIGHEST_PROTOCOL) fail(`pickle protocol ${v} is newer than ${HIGHEST_PROTOCOL}`);
        break;
      }
      case 0x95: // FRAME: a length prefix for buffered reading; the content is read op by op regardless.
        if (u64() > bytes.length - pos) fail('a FRAME longer than the rest of the pickle (truncated?)');
        break;
      case 0x2e: // STOP
        return pop();

      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: if (stack.length > frameStart()) stack.pop(); else popMark(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP

      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(view.getInt32(take(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(long(u8())); break; // LONG1
      case 0x8b: { // LONG4
        const n = view.getInt32(take(4), true);
        if (n < 0) fail('LONG4 with a negative length');
        stack.push(long(n));
        break;
      }
      case 0x47: stack.push(view.getFloat64(take(8), false)); break; // BINFLOAT (big-endian)

      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x42: case 0x43: case 0x8e: case 0x96: { // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
        const n = op === 0x42 ? u32() : op === 0x43 ? u8() : u64();
        const at = take(n);
        stack.push(bytes.slice(at, at + n));
        break;
      }

      case 0x29: stack.push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x74: stack.push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: case 0x86: case 0x87: { // TUPLE1, TUPLE2, TUPLE3
        const n = op - 0x84;
        const items: unknown[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push(new PyTuple(items));
        break;
      }
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { const v = pop(); appendItems(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x7d: stack.push(new PyDict()); break; // EMPTY_DICT
      case 0x64: { // DICT
        const kv = popMark();
        if (kv.length % 2) fail('DICT with an odd number of items');
        const d = new PyDict();
        setItems(d, kv);
        stack.push(d);
        break;
      }
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { // SETITEMS
        const kv = popMark();
        if (kv.length % 2) fail('SETITEMS with an odd number of items');
        setItems(top(), kv);
        break;
      }
      case 0x8f: stack.push(new PySet([])); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet)) fail(`ADDITEMS on a ${typeName(s)}, which is not a set`);
        for (const v of items) (s as PySet).items.push(v);
        break;
      }
      case 0x91: stack.push(new PySet(popMark())); break; // FROZENSET

      case 0x71: memoPut(u8()); break; // BINPUT
      case 0x72: memoPut(u32()); break; // LONG_BINPUT
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET

      case 0x63: { // GLOBAL "module\nname\n"
        const module = line();
        const name = line();
        stack.push(hooks.findGlobal(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings (module, name)');
        stack.push(hooks.findGlobal(module as string, name as string));
        break;
      }
      case 0x52: { const args = pop(); stack.push(call(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(call(pop(), args)); break; } // NEWOBJ: cls.__new__(cls, *args)
      case 0x92: { // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        if (!(kwargs instanceof PyDict) || kwargs.items.size > 0) fail('NEWOBJ_EX with keyword arguments');
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        if (target instanceof PyDict) target.state = state;
        else if (!hooks.build?.(target, state)) fail(`BUILD on a ${typeName(target)} is not supported`);
        break;
      }
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID

      default:
        fail(
          Object.hasOwn(REFUSED, op)
            ? `opcode ${REFUSED[op]} is not supported (torch.save writes protocol 2 and newer)`
            : `unknown opcode 0x${op.toString(16).padStart(2, '0')} (corrupt pickle?)`,
        );
    }
  }
}
