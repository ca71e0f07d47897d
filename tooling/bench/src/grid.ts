/** The most nearly square `[height, width]` with height × width = n (64×64 for 4,096; 32×64 for 2,048). */
export function nearlySquareGrid(n: number): [number, number] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`nearlySquareGrid: tokens must be a positive integer, got ${n}`);
  for (let h = Math.floor(Math.sqrt(n)); h >= 1; h--) if (n % h === 0) return [h, n / h];
  return [1, n];
}
