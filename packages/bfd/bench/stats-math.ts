/** Percentiles over a sample (nearest rank), for the benchmark's summaries. */
export function summarize(values: readonly number[]): {
  n: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
} {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN);
  return { n: s.length, min: s[0] ?? NaN, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
