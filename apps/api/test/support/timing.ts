/** The middle of a timing sample: quartiles and median, in milliseconds. */
export interface TimingSummary {
  q1: number;
  median: number;
  q3: number;
}

export function summarize(samples: readonly number[]): TimingSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => {
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    return sorted[low]! + (sorted[Math.ceil(position)]! - sorted[low]!) * (position - low);
  };
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
}

/**
 * Two timing distributions are indistinguishable when their medians differ by less than the
 * spread (interquartile range) of either: the difference is lost in the noise of one request.
 * Robust to the outliers a loaded machine produces; no absolute thresholds.
 */
export function indistinguishable(a: TimingSummary, b: TimingSummary): boolean {
  return Math.abs(a.median - b.median) <= Math.max(a.q3 - a.q1, b.q3 - b.q1);
}

/** `a` is not slower than `b` beyond the noise (one-sided `indistinguishable`). */
export function notSlower(a: TimingSummary, b: TimingSummary): boolean {
  return a.median - b.median <= Math.max(a.q3 - a.q1, b.q3 - b.q1);
}

/**
 * Times `measure` for each kind, alternating the order each round so drift in the machine's load
 * touches every kind alike, after a few unrecorded warm-up calls.
 */
export async function sampleAlternately<K extends string>(
  kinds: readonly [K, K],
  rounds: number,
  measure: (kind: K, round: number) => Promise<void>,
): Promise<Record<K, number[]>> {
  const samples = { [kinds[0]]: [], [kinds[1]]: [] } as unknown as Record<K, number[]>;
  for (let i = 0; i < 3; i++) await measure(kinds[0], -1 - i);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? kinds : ([kinds[1], kinds[0]] as const);
    for (const kind of order) {
      const started = performance.now();
      await measure(kind, round);
      samples[kind].push(performance.now() - started);
    }
  }
  return samples;
}
