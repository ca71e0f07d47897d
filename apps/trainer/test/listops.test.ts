import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyOperator, encodeListOps, evaluateTokens, generateListOps, LISTOPS_VOCAB, listopsEval, tokenizeListOps, treeTokens,
} from '../src/index.js';

describe('ListOps semantics (LRA lra_benchmarks/data/listops.py)', () => {
  it('MIN, MAX, SM = sum mod 10, MED = int(np.median) truncating the mean of the middle two', () => {
    expect(applyOperator('[MIN', [4, 7, 2])).toBe(2);
    expect(applyOperator('[MAX', [4, 7, 2])).toBe(7);
    expect(applyOperator('[SM', [9, 8, 7])).toBe(4); // 24 % 10
    expect(applyOperator('[MED', [5, 1, 3])).toBe(3);
    expect(applyOperator('[MED', [1, 2])).toBe(1); // np.median = 1.5 → int 1
    expect(applyOperator('[MED', [8, 3, 5, 2])).toBe(4); // (3 + 5) / 2
    expect(applyOperator('[MED', [9, 8])).toBe(8); // 8.5 → 8
  });

  it('evaluates the token form the models see, and LRA’s file form with parentheses', () => {
    expect(evaluateTokens('[MAX 2 9 [MIN 4 7 X 0 X'.split(' '))).toBe(9);
    expect(evaluateTokens(tokenizeListOps('[SM [MED 1 2 X 9 [MIN 4 7 X X'))).toBe((1 + 9 + 4) % 10);
    expect(tokenizeListOps('( ( ( [MAX 2 ) 9 ) ] )')).toEqual(['[MAX', '2', '9', 'X']);
  });

  it('rejects malformed expressions naming the problem', () => {
    expect(() => evaluateTokens(['[MAX', '2'])).toThrow(/not closed/);
    expect(() => evaluateTokens(['3', '4'])).toThrow(/after the expression ended/);
    expect(() => evaluateTokens(['[MAX', 'X'])).toThrow(/no arguments/);
    expect(() => evaluateTokens(['[FOO', '1', 'X'])).toThrow(/not an operator/);
  });

  it('generates distinct expressions with min < length < max, ≤ 10 arguments, depth ≤ 10, values as computed', () => {
    const ex = generateListOps(300, 7, { minLength: 10, maxLength: 40 });
    expect(new Set(ex.map((e) => e.tokens.join(' '))).size).toBe(300);
    const values = new Set<number>();
    const ops = new Map<string, number>();
    for (const e of ex) {
      expect(e.tokens.length).toBeGreaterThan(10);
      expect(e.tokens.length).toBeLessThan(40);
      expect(evaluateTokens(e.tokens)).toBe(e.value);
      values.add(e.value);
      let depth = 0;
      let maxDepth = 0;
      const args: number[] = [];
      for (const t of e.tokens) {
        if (t.startsWith('[')) {
          ops.set(t, (ops.get(t) ?? 0) + 1);
          if (args.length) args[args.length - 1]!++;
          args.push(0);
          maxDepth = Math.max(maxDepth, ++depth);
        } else if (t === 'X') {
          const n = args.pop()!;
          expect(n).toBeGreaterThanOrEqual(2);
          expect(n).toBeLessThanOrEqual(10);
          depth--;
        } else if (args.length) args[args.length - 1]!++;
      }
      // Operators sit at depths 1..9 (a node at depth 10 is always a value), so ≤ 9 nested brackets.
      expect(maxDepth).toBeLessThanOrEqual(9);
    }
    expect(values.size).toBeGreaterThan(5);
    expect([...ops.keys()].sort()).toEqual(['[MAX', '[MED', '[MIN', '[SM']);
  });

  it('is fixed by the seed', () => {
    const a = generateListOps(50, 3, { minLength: 5, maxLength: 30 });
    expect(generateListOps(50, 3, { minLength: 5, maxLength: 30 })).toEqual(a);
    expect(generateListOps(50, 4, { minLength: 5, maxLength: 30 })).not.toEqual(a);
  });

  it('encodes [CLS] + tokens padded with 0', () => {
    const e = encodeListOps([{ tokens: treeTokens({ op: '[MAX', args: [2, 9] }), value: 9 }], 6);
    expect(Array.from(e.x)).toEqual([1, LISTOPS_VOCAB.indexOf('[MAX'), LISTOPS_VOCAB.indexOf('2'), LISTOPS_VOCAB.indexOf('9'), LISTOPS_VOCAB.indexOf('X'), 0]);
    expect(Array.from(e.y)).toEqual([9]);
  });

  it('listops-eval prints each value, then N matched, N mismatched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'listops-'));
    const file = join(dir, 'basic_test.tsv');
    writeFileSync(file, 'Source\tTarget\n[MAX 2 9 [MIN 4 7 X 0 X\t9\n( ( [MED 1 ) 2 ) ]\t1\n[SM 5 5 X\t3\n');
    const lines: string[] = [];
    const r = listopsEval(file, (l) => lines.push(l));
    expect(lines).toEqual(['9', '1', '0', '2 matched, 1 mismatched']);
    expect(r).toMatchObject({ matched: 2, mismatched: 1 });
    writeFileSync(file, '[MAX 2 9\t9\n');
    expect(() => listopsEval(file, () => {})).toThrow(/basic_test.tsv:1: .*not closed/);
  });
});
