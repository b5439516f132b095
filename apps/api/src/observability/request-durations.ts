import type { Metric, Registry } from 'prom-client';

interface Series {
  /** Observations per bucket (not cumulative); the last slot is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A line of the exposition, as prom-client's Histogram hands it to the registry (the series' labels shared, `le` its own). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string | number>;
  value: number;
}

/**
 * `http_request_duration_seconds`, kept here rather than in a prom-client Histogram: every request
 * observes it, and prom-client's `observe` builds a closure, checks and hashes its label object and
 * looks the bound up by its decimal text on every call, about 2.5 µs of each auth.me under load.
 * Here a series is two Map lookups (procedure, then status) and the bucket a short loop
 * (docs/performance.md).
 *
 * The registry reads it at scrape time through the members it reads prom-client's own metrics by
 * (`name`, `help`, `type`, `aggregator`, `getForPromString` for the text, `get` for JSON, `reset`)
 * and prints it with their formatting: the text is the same as a Histogram's (the test compares).
 */
export class RequestDurations {
  readonly name = 'http_request_duration_seconds';
  readonly help = 'HTTP requests by procedure (see README) and status.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Map<number, Series>>();

  constructor(
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // The registry's type lists prom-client's own classes; at run time it asks only for the members above.
    registry.registerMetric(this as unknown as Metric);
  }

  observe(procedure: string, status: number, seconds: number): void {
    let byStatus = this.series.get(procedure);
    if (byStatus === undefined) this.series.set(procedure, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) byStatus.set(status, (series = { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 }));
    let bucket = 0;
    while (bucket < this.buckets.length && seconds > this.buckets[bucket]!) bucket += 1;
    series.counts[bucket]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** What prom-client's Histogram gives the registry for the text format: cumulative buckets, then sum and count, per series. */
  getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const [procedure, byStatus] of this.series) {
      for (const [status, series] of byStatus) {
        const sharedLabels = { procedure, status };
        let cumulative = 0;
        this.buckets.forEach((bound, i) => {
          cumulative += series.counts[i]!;
          values.push({ metricName: `${this.name}_bucket`, labels: { le: bound }, sharedLabels, value: cumulative });
        });
        values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, sharedLabels, value: series.count });
        values.push({ metricName: `${this.name}_sum`, labels: {}, sharedLabels, value: series.sum });
        values.push({ metricName: `${this.name}_count`, labels: {}, sharedLabels, value: series.count });
      }
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** The same for `getMetricsAsJSON`: each sample's labels with its series' labels merged in. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Array<Omit<Sample, 'sharedLabels'>> }> {
    const metric = await this.getForPromString();
    return { ...metric, values: metric.values.map(({ sharedLabels, labels, ...sample }) => ({ ...sample, labels: { ...labels, ...sharedLabels } })) };
  }

  reset(): void {
    this.series.clear();
  }
}
