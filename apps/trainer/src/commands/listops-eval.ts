import { readFileSync } from 'node:fs';
import { evaluateTokens, ListOpsSyntaxError, tokenizeListOps } from '../tasks/listops-lra.js';

export interface ListOpsEvalResult {
  values: number[];
  matched: number;
  mismatched: number;
}

/**
 * Evaluates every `Source<TAB>Target` line of an LRA-style TSV (a `Source Target`
 * header line is skipped) with our ListOps semantics; `out` gets one line per
 * expression holding only its value, then `N matched, N mismatched`.
 */
export function listopsEval(path: string, out: (line: string) => void): ListOpsEvalResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`listops-eval: cannot read ${path}: ${(err as Error).message}`);
  }
  const values: number[] = [];
  let matched = 0;
  let mismatched = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const [source, target, ...rest] = line.split('\t');
    if (i === 0 && source === 'Source') return;
    if (target === undefined || rest.length > 0) throw new Error(`listops-eval: ${path}:${i + 1}: expected 'Source<TAB>Target', got ${rest.length > 0 ? `${rest.length + 2} columns` : 'no tab'}`);
    const want = Number(target.trim());
    if (!Number.isInteger(want)) throw new Error(`listops-eval: ${path}:${i + 1}: target '${target}' is not an integer`);
    let value: number;
    try {
      value = evaluateTokens(tokenizeListOps(source!));
    } catch (err) {
      if (err instanceof ListOpsSyntaxError) throw new Error(`listops-eval: ${path}:${i + 1}: ${err.message}`);
      throw err;
    }
    values.push(value);
    out(String(value));
    if (value === want) matched++;
    else mismatched++;
  });
  out(`${matched} matched, ${mismatched} mismatched`);
  return { values, matched, mismatched };
}
