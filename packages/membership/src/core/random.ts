/** A source of uniform numbers in [0, 1). Injected so that the core stays deterministic in tests. */
export type Random = () => number;

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** Up to `k` distinct elements of `items`, uniformly (partial Fisher-Yates on a copy). */
export function sample<T>(random: Random, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(random, pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}
