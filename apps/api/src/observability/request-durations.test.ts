import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestDurations } from './request-durations';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The same observations into RequestDurations and into prom-client's own Histogram. */
function both(observations: Array<[procedure: string, status: number, seconds: number]>) {
  const ours = new Registry();
  const durations = new RequestDurations(BUCKETS, ours);
  const theirs = new Registry();
  const histogram = new Histogram({ name: durations.name, help: durations.help, labelNames: ['procedure', 'status'], buckets: BUCKETS, registers: [theirs] });
  for (const [procedure, status, seconds] of observations) {
    durations.observe(procedure, status, seconds);
    histogram.observe({ procedure, status }, seconds);
  }
  return { ours, theirs, durations };
}

describe('RequestDurations', () => {
  it('exposes exactly what prom-client’s Histogram exposes for the same observations', async () => {
    const { ours, theirs } = both([
      ['auth.me', 200, 0.0004],
      ['auth.me', 200, 0.001], // on a bound: counted in it (le is "less than or equal")
      ['auth.me', 200, 0.0031],
      ['auth.me', 401, 0.02],
      ['auth.requestCode', 200, 0.3],
      ['other', 404, 12], // above every bound: +Inf only
      ['auth.me', 200, 0],
    ]);
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.001",procedure="auth.me",status="200"} 3');
    expect(text).toContain('http_request_duration_seconds_bucket{le="+Inf",procedure="other",status="404"} 1');
    expect(text).toContain('http_request_duration_seconds_count{procedure="auth.me",status="200"} 4');
  });

  it('gives the registry its JSON view and its reset, as prom-client’s metrics do', async () => {
    const { ours, theirs, durations } = both([['auth.me', 200, 0.002]]);
    type Json = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;
    const samples = (json: Json) => json.flatMap((m) => m.values.map((v) => ({ metricName: (v as { metricName?: string }).metricName, labels: v.labels, value: v.value })));
    expect(samples(await ours.getMetricsAsJSON())).toEqual(samples(await theirs.getMetricsAsJSON()));
    expect(samples(await ours.getMetricsAsJSON())).toContainEqual({ metricName: 'http_request_duration_seconds_count', labels: { procedure: 'auth.me', status: 200 }, value: 1 });
    expect(ours.getSingleMetric(durations.name)).toBe(durations);
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain('procedure="auth.me"');
  });
});
