/** The most nearly square `[height, width]` with height × width = n (64×64 for 4,096; 32×64 for 2,048). */
export function nearlySquareGrid(n: number): [number, number] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`nearlySquareGrid: tokens must be a positive integer, got ${n}`);
  for (let h = Math.floor(Math.sqrt(n)); h >= 1; h--) if (n % h === 0) return [h, n / h];
  return [1, n];
}

/** √n when n is a perfect square, else null (square images, square grids). */
export function squareSide(n: number): number | null {
  const s = Math.round(Math.sqrt(n));
  return s * s === n ? s : null;
}
