import { pendingEmailsSummary } from '@app/auth';
import type { Database } from '@app/db';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { RequestDurations } from './request-durations';

/**
 * The series operators' dashboards and alerts rely on (README, "Operating it"); their names and
 * labels are part of the product. One registry per server, never prom-client's global one, so
 * several servers in one process (the tests) keep their own counts.
 */
export interface Metrics {
  registry: Registry;
  codeRequests: Counter<'outcome'>;
  signIns: Counter<'method'>;
  refusals: Counter<'reason'>;
  emailsSent: Counter<'kind'>;
  emailFailures: Counter<'kind' | 'permanent'>;
  requestDuration: RequestDurations;
  postmarkWebhooks: Counter<'record_type' | 'outcome'>;
}

export function createMetrics(input: { db: Database; now: () => Date; processMetrics: boolean }): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (input.processMetrics) collectDefaultMetrics({ register: registry });

  // The outbox is shared by every instance, so these are read from the database at scrape time.
  let summary: Promise<{ pending: number; oldestPendingSeconds: number }> | null = null;
  const readOutbox = () => {
    summary ??= pendingEmailsSummary(input.db, input.now()).finally(() => {
      summary = null;
    });
    return summary;
  };
  new Gauge({
    name: 'email_outbox_pending',
    help: 'Emails waiting to be sent (all instances).',
    registers,
    async collect() {
      this.set((await readOutbox()).pending);
    },
  });
  new Gauge({
    name: 'email_outbox_oldest_pending_seconds',
    help: 'Age of the oldest email waiting to be sent, 0 when none (all instances).',
    registers,
    async collect() {
      this.set((await readOutbox()).oldestPendingSeconds);
    },
  });

  return {
    registry,
    codeRequests: new Counter({ name: 'auth_code_requests_total', help: 'Code requests by outcome (sent, decoy, or the refusal reason).', labelNames: ['outcome'], registers }),
    signIns: new Counter({ name: 'auth_sign_ins_total', help: 'Successful sign-ins, by method (code, or link).', labelNames: ['method'], registers }),
    refusals: new Counter({ name: 'auth_refusals_total', help: 'Refused calls, by reason.', labelNames: ['reason'], registers }),
    emailsSent: new Counter({ name: 'email_sent_total', help: 'Emails the provider accepted, by kind.', labelNames: ['kind'], registers }),
    emailFailures: new Counter({
      name: 'email_failures_total',
      help: 'Failed sends, by kind; permanent="true" will not be retried.',
      labelNames: ['kind', 'permanent'],
      registers,
    }),
    postmarkWebhooks: new Counter({
      name: 'postmark_webhooks_total',
      help: 'Postmark webhook calls, by record type (Delivery, Bounce, SpamComplaint, SubscriptionChange, other) and outcome.',
      labelNames: ['record_type', 'outcome'],
      registers,
    }),
    requestDuration: new RequestDurations([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registry),
  };
}
