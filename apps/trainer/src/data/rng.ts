/**
 * A small seeded PRNG (mulberry32) for data generation and shuffling, so a seed
 * fixes every example and the order they are seen in, on every machine.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // Spread the seed so nearby seeds give unrelated streams.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Uniform in [0, 1), like Python's random.random(). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive, like Python's random.randint(lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** One element, like Python's random.choice. */
  choice<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** The order of `n` examples in epoch `epoch`: a permutation fixed by (seed, epoch), so a resumed run sees the same order. */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  new Rng(seed * 1000003 + epoch * 7919 + 17).shuffle(order);
  return Int32Array.from(order);
}
