/** Result of comparing an output with a fixture's reference. */
export interface Comparison {
  ok: boolean;
  maxAbsErr: number;
  /** Flat index of the element furthest over tolerance (or of the largest error when all pass). */
  worst: number;
  shapeMismatch?: string;
}

/** Passes if |got − want| ≤ atol + rtol·|want| for every element (shared/fixtures/README.md). */
export function compare(
  got: ArrayLike<number>,
  gotShape: readonly number[],
  want: ArrayLike<number>,
  wantShape: readonly number[],
  atol: number,
  rtol: number,
): Comparison {
  if (gotShape.join() !== wantShape.join()) {
    return { ok: false, maxAbsErr: Infinity, worst: -1, shapeMismatch: `output shape [${gotShape.join(', ')}], reference [${wantShape.join(', ')}]` };
  }
  let maxAbsErr = 0;
  let worst = 0;
  let worstExcess = -Infinity;
  let ok = true;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(want[i]!));
    if (!(err <= maxAbsErr)) maxAbsErr = Number.isNaN(err) ? Infinity : err;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
    if (excess > 0) ok = false;
  }
  return { ok, maxAbsErr, worst };
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}
