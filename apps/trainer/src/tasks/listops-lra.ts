/**
 * ListOps as the Long Range Arena generates and scores it
 * (google-research/long-range-arena, lra_benchmarks/data/listops.py):
 *
 * - operators MIN, MAX, MED, SM (sum mod 10); FIRST and LAST exist there but are not used;
 * - `generate_tree(depth=1)`: below max depth a node is an operator with probability
 *   VALUE_P = 0.25 (`random() > 0.25` gives a value), at max depth always a value;
 *   values are uniform in 0..9; an operator takes `randint(2, max_args)` arguments
 *   (both ends inclusive) and its operator is drawn after its arguments;
 * - length = number of operators + values + closing brackets;
 *   an example is kept when `min_length < length < max_length` (strict), and the
 *   data set is a set (no duplicates) split into train / validation / test;
 * - values: MIN, MAX; MED = int(np.median(args)) (the mean of the two middle values
 *   for an even count, truncated); SM = sum(args) % 10.
 *
 * The models see the tokens of `to_string(tree)` with parentheses dropped and `]`
 * written `X` (the LRA tokenizer keeps only alphanumerics), e.g. `[MAX 2 9 [MIN 4 7 X 0 X`.
 */
import { Rng } from '../data/rng.js';

export const OPERATORS = ['[MIN', '[MAX', '[MED', '[SM'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Closing bracket `]` as the models see it. */
export const END = 'X';
const VALUE_P = 0.25;

export type ListOpsTree = number | { op: Operator; args: ListOpsTree[] };

export interface ListOpsGenOptions {
  maxDepth?: number;
  maxArgs?: number;
  /** Kept when minLength < length < maxLength (LRA's strict bounds). */
  minLength: number;
  maxLength: number;
}

class TooLong extends Error {}

/**
 * One draw of LRA's `generate_tree(1, max_depth, max_args)`. A draw that grows past
 * `abortAt` tokens is abandoned (it would be rejected anyway); the kept draws have
 * the same distribution, since every draw uses fresh randomness.
 */
function generateTree(rng: Rng, depth: number, maxDepth: number, maxArgs: number, budget: { left: number }): ListOpsTree {
  const r = depth < maxDepth ? rng.next() : 1;
  if (--budget.left < 0) throw new TooLong();
  if (r > VALUE_P) return rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  budget.left -= 1; // the closing bracket
  const n = rng.int(2, maxArgs);
  const args: ListOpsTree[] = [];
  for (let i = 0; i < n; i++) args.push(generateTree(rng, depth + 1, maxDepth, maxArgs, budget));
  const op = rng.choice(OPERATORS); // drawn after the arguments, as in LRA
  return { op, args };
}

/** Token count of a tree as LRA's `length` counts it (operator + arguments + `]`). */
export function treeLength(t: ListOpsTree): number {
  return typeof t === 'number' ? 1 : 2 + t.args.reduce((s: number, a) => s + treeLength(a), 0);
}

/** The token form the LRA models see: `[MAX 2 9 [MIN 4 7 X 0 X`. */
export function treeTokens(t: ListOpsTree): string[] {
  if (typeof t === 'number') return [String(t)];
  return [t.op, ...t.args.flatMap(treeTokens), END];
}

/** LRA's `np.median` of integers, then `int(...)` (truncation; the values are non-negative). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Math.trunc(s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2);
}

export function applyOperator(op: Operator, args: number[]): number {
  switch (op) {
    case '[MIN':
      return Math.min(...args);
    case '[MAX':
      return Math.max(...args);
    case '[MED':
      return median(args);
    case '[SM':
      return args.reduce((a, b) => a + b, 0) % 10;
  }
}

export function treeValue(t: ListOpsTree): number {
  return typeof t === 'number' ? t : applyOperator(t.op, t.args.map(treeValue));
}

export class ListOpsSyntaxError extends Error {
  override name = 'ListOpsSyntaxError';
}

/**
 * Tokens of an expression in the model form (`[MAX 2 9 X`); also accepts LRA's
 * file form with parentheses and `]` (`( ( [MAX 2 ) 9 ) ]`), which it converts.
 */
export function tokenizeListOps(source: string): string[] {
  return source.replace(/[()]/g, ' ').replace(/\]/g, ` ${END} `).split(/\s+/).filter((s) => s.length > 0);
}

/** Evaluates an expression given as tokens; throws ListOpsSyntaxError naming the position of a problem. */
export function evaluateTokens(tokens: readonly string[]): number {
  const stack: { op: Operator; args: number[] }[] = [];
  let result: number | undefined;
  tokens.forEach((tok, i) => {
    if (result !== undefined) throw new ListOpsSyntaxError(`token ${i + 1} '${tok}' after the expression ended`);
    if ((OPERATORS as readonly string[]).includes(tok)) {
      stack.push({ op: tok as Operator, args: [] });
      return;
    }
    let value: number;
    if (tok === END) {
      const top = stack.pop();
      if (!top) throw new ListOpsSyntaxError(`token ${i + 1}: '${END}' closes no operator`);
      if (top.args.length === 0) throw new ListOpsSyntaxError(`token ${i + 1}: ${top.op} has no arguments`);
      value = applyOperator(top.op, top.args);
    } else if (/^[0-9]$/.test(tok)) {
      value = Number(tok);
    } else {
      throw new ListOpsSyntaxError(`token ${i + 1} '${tok}' is not an operator (${OPERATORS.join(' ')}), a digit or '${END}'`);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.args.push(value);
    else result = value;
  });
  if (stack.length > 0) throw new ListOpsSyntaxError(`${stack.length} operator(s) not closed with '${END}'`);
  if (result === undefined) throw new ListOpsSyntaxError('empty expression');
  return result;
}

export interface ListOpsExample {
  tokens: string[];
  value: number;
}

/**
 * `count` distinct examples (LRA keeps a set), in generation order. The caller
 * splits them; a fixed seed gives the same list on every machine.
 */
export function generateListOps(count: number, seed: number, o: ListOpsGenOptions): ListOpsExample[] {
  const maxDepth = o.maxDepth ?? 10;
  const maxArgs = o.maxArgs ?? 10;
  if (!(o.minLength >= 0 && o.maxLength > o.minLength + 1)) {
    throw new Error(`listops: need minLength < length < maxLength to hold for some length; got minLength ${o.minLength}, maxLength ${o.maxLength}`);
  }
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: ListOpsExample[] = [];
  let draws = 0;
  const maxDraws = 2_000_000 + count * 20_000;
  while (out.length < count) {
    if (++draws > maxDraws) {
      throw new Error(`listops: only ${out.length} of ${count} distinct examples with ${o.minLength} < length < ${o.maxLength} after ${maxDraws} draws; widen the length range`);
    }
    let tree: ListOpsTree;
    try {
      tree = generateTree(rng, 1, maxDepth, maxArgs, { left: o.maxLength - 1 });
    } catch (err) {
      if (err instanceof TooLong) continue;
      throw err;
    }
    const len = treeLength(tree);
    if (!(len > o.minLength && len < o.maxLength)) continue;
    const tokens = treeTokens(tree);
    const key = tokens.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ tokens, value: treeValue(tree) });
  }
  return out;
}
