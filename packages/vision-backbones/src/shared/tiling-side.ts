/**
 * The default side of a variant's windows or stripes on a grid: `preferred` (the papers' 7) where
 * it covers the map (≥ min(H, W): one window, as Swin's and CSwin's blocks clamp it) or tiles it,
 * else the largest side below it that tiles both H and W — 4 on an 8×8 grid — so the registered
 * variant runs with its defaults on any grid.
 */
export function tilingSide(grid: [number, number], preferred: number): number {
  const [h, w] = grid;
  if (Math.min(h, w) <= preferred) return preferred;
  for (let s = preferred; s > 1; s--) if (h % s === 0 && w % s === 0) return s;
  return 1;
}
