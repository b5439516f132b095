/** Milliseconds at the given percentiles of a sample, and its count. */
export function percentiles(samples: readonly number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

export function formatLatency(label: string, samples: readonly number[]): string {
  const p = percentiles(samples);
  const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
  return `${label.padEnd(28)} n=${String(p.n).padStart(6)}  p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`;
}
