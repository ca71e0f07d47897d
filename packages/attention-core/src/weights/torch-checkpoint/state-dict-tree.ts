import { PyDict, PySet, PyTuple, typeName, type DictKey } from './unpickler.js';
import { TensorRef } from './tensor-rebuild.js';
import { OpaqueObject } from './torch-globals.js';

/**
 * Finds the state dict inside a checkpoint's top-level dict (the file itself,
 * or `{'model': …}`, `{'state_dict': …}`, `{'model_ema': …}`, …) and flattens
 * its nested dicts into dotted keys, as `Module.state_dict()` names them.
 */

/** An entry that is not a tensor: described, never executed or materialised. */
export interface IgnoredEntry {
  /** Dotted key (a top-level key for siblings of the state dict). */
  key: string;
  /** What it is, e.g. `int`, `list of 3`, `dict of 4 entries (2 tensors)`, `argparse.Namespace (not built)`. */
  what: string;
  /** The value itself, for plain scalars (numbers, strings, bools, None). */
  value?: number | bigint | string | boolean | null;
}

/** Top-level keys that hold the model's weights in common training scripts, in the order they are preferred. */
export const STATE_DICT_KEYS = [
  'state_dict', 'model', 'model_state_dict', 'model_state', 'module', 'net', 'network', 'params', 'weights',
  'state_dict_ema', 'model_ema', 'ema',
];

/** Nested dicts deeper than this are not a state dict (and would risk the call stack). */
const MAX_DEPTH = 64;

const keyText = (k: DictKey): string => (typeof k === 'string' ? k : String(k));

/**
 * Tensors under each dict, counted once per dict (memoised: shared sub-dicts
 * and cycles cost nothing extra; a dict met again inside itself counts 0).
 */
class TensorCounts {
  private readonly memo = new Map<PyDict, number>();
  constructor(private readonly fail: (msg: string) => never) {}
  of(d: PyDict, depth = 0): number {
    const known = this.memo.get(d);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH) this.fail(`dicts nested more than ${MAX_DEPTH} deep`);
    this.memo.set(d, 0);
    let n = 0;
    for (const x of d.items.values()) n += x instanceof TensorRef ? 1 : x instanceof PyDict ? this.of(x, depth + 1) : 0;
    this.memo.set(d, n);
    return n;
  }
}

/** A one-line description of a non-tensor value, without walking it deeply. */
function describe(key: string, v: unknown, counts: TensorCounts): IgnoredEntry {
  if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return { key, what: typeName(v), value: v };
  if (typeof v === 'string') return { key, what: 'str', value: v };
  if (v instanceof Uint8Array) return { key, what: `bytes of length ${v.length}` };
  if (Array.isArray(v)) return { key, what: `list of ${v.length}` };
  if (v instanceof PyTuple) return { key, what: `tuple of ${v.items.length}` };
  if (v instanceof PySet) return { key, what: `set of ${v.items.length}` };
  if (v instanceof PyDict) {
    const n = counts.of(v);
    return { key, what: `${v.className} of ${v.items.size} entries${n ? ` (${n} tensor${n === 1 ? '' : 's'}, not read)` : ''}` };
  }
  if (v instanceof OpaqueObject) return { key, what: `${v.className} (not built)` };
  return { key, what: typeName(v) };
}

export interface StateDictChoice {
  /** The dict to flatten. */
  dict: PyDict;
  /** Its top-level key, or null for the whole file. */
  key: string | null;
}

/**
 * Chooses the state dict: `pick` if given (a top-level key, or null for the
 * whole file); otherwise the file itself when it holds tensors at its top
 * level, else the first of `STATE_DICT_KEYS` that holds tensors, else the only
 * top-level entry that does.
 */
export function chooseStateDict(root: PyDict, pick: string | null | undefined, fail: (msg: string) => never): StateDictChoice {
  const counts = new TensorCounts(fail);
  const keys = [...root.items.keys()].map(keyText);
  const withTensors = [...root.items].filter(([, v]) => v instanceof PyDict && counts.of(v) > 0).map(([k]) => keyText(k));
  const listing = `top-level keys: ${keys.map((k) => `'${k}'`).join(', ') || 'none'}; dicts holding tensors: ${withTensors.map((k) => `'${k}'`).join(', ') || 'none'}`;
  if (pick === null) return { dict: root, key: null };
  if (pick !== undefined) {
    const v = root.items.get(pick);
    if (!(v instanceof PyDict)) fail(`pick: '${pick}' is ${v === undefined ? 'not a top-level key' : `a ${typeName(v)}, not a dict`} (${listing})`);
    return { dict: v as PyDict, key: pick };
  }
  if ([...root.items.values()].some((v) => v instanceof TensorRef)) return { dict: root, key: null };
  const preferred = STATE_DICT_KEYS.find((k) => withTensors.includes(k));
  if (preferred !== undefined) return { dict: root.items.get(preferred) as PyDict, key: preferred };
  if (withTensors.length === 1) return { dict: root.items.get(withTensors[0]!) as PyDict, key: withTensors[0]! };
  if (withTensors.length === 0) return fail(`the checkpoint holds no tensors (${listing})`);
  return fail(`several top-level entries hold tensors; choose one with { pick: '${withTensors[0]}' } (${listing})`);
}

/** The top-level entries other than the chosen state dict, described. */
export function describeSiblings(root: PyDict, chosen: StateDictChoice, fail: (msg: string) => never): IgnoredEntry[] {
  if (chosen.key === null) return [];
  const counts = new TensorCounts(fail);
  return [...root.items].filter(([k]) => keyText(k) !== chosen.key).map(([k, v]) => describe(keyText(k), v, counts));
}

export interface FlatStateDict {
  tensors: [string, TensorRef][];
  ignored: IgnoredEntry[];
}

/**
 * The tensors of `dict` under dotted keys (nested dicts joined with '.'), and
 * everything else described. `maxEntries` bounds the walk: a pickle can name
 * one sub-dict many times, and unrolling such sharing could otherwise grow
 * exponentially with nesting.
 */
export function flattenStateDict(dict: PyDict, maxEntries: number, fail: (msg: string) => never): FlatStateDict {
  const counts = new TensorCounts(fail);
  const tensors: [string, TensorRef][] = [];
  const ignored: IgnoredEntry[] = [];
  const seenKeys = new Set<string>();
  const enclosing = new Set<PyDict>();
  let visits = 0;
  const walk = (d: PyDict, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH) fail(`dicts nested more than ${MAX_DEPTH} deep under '${prefix}'`);
    enclosing.add(d);
    for (const [k, v] of d.items) {
      if (++visits > maxEntries) fail(`flattening the state dict passes ${maxEntries} entries: its dicts repeat one another more than a state dict does`);
      const key = prefix + keyText(k);
      if (v instanceof TensorRef) {
        if (seenKeys.has(key)) fail(`two entries flatten to the same key '${key}'`);
        seenKeys.add(key);
        tensors.push([key, v]);
      } else if (v instanceof PyDict && enclosing.has(v)) {
        ignored.push({ key, what: 'a reference to an enclosing dict (cycle)' });
      } else if (v instanceof PyDict && counts.of(v) > 0) {
        walk(v, `${key}.`, depth + 1);
      } else {
        ignored.push(describe(key, v, counts));
      }
    }
    enclosing.delete(d);
  };
  walk(dict, '', 0);
  return { tensors, ignored };
}
