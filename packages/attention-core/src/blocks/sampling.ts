/** How `DecoderLM.generate` picks the next token from the logits. */
export interface SamplingOptions {
  /** Logits are divided by it; 0 picks the most likely token (greedy). Default 1. */
  temperature?: number;
  /** Sample among the k most likely tokens only. Default: all. */
  topK?: number;
  /** Seeds the sampler, so a seed fixes the text. Default: Math.random. */
  seed?: number;
}

/** A seeded uniform [0, 1) stream (mulberry32). */
export function uniformStream(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token id drawn from softmax(logits / temperature) restricted to the top k (host-side; one row of logits). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, uniform: () => number): number {
  const n = logits.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]!);
  const temperature = options.temperature ?? 1;
  if (temperature === 0) return order[0]!;
  const k = Math.min(n, options.topK ?? n);
  const top = order.slice(0, k);
  const max = logits[top[0]!]!;
  const weights = top.map((i) => Math.exp((logits[i]! - max) / temperature));
  let r = uniform() * weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < k; j++) {
    r -= weights[j]!;
    if (r < 0) return top[j]!;
  }
  return top[k - 1]!;
}
