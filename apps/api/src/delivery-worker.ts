import { type AuthDeps, deliverDueEmails, type DeliveryOptions, defaultDeliveryOptions, type Mailer, queueNewSignInNotices } from '@app/auth';
import type { Database } from '@app/db';
import type { Logger } from './logger';
import type { Metrics } from './observability/metrics';

export interface DeliveryWorker {
  /** Run a pass soon (an email was just queued). */
  kick(): void;
  /** Wait for the running pass and stop. */
  stop(): Promise<void>;
  /** Resolves when no pass is running and none is queued (for tests and shutdown). */
  idle(): Promise<void>;
}

/**
 * Sends the outbox: a pass right after each kick, and a poll every `intervalMs` so retries and
 * emails queued by other instances go out too. Each pass also looks at the sign-ins since the last
 * one for new-sign-in notices (when they are on), and sends those it queued at once. A failing pass
 * (database down) is logged and retried.
 */
export function startDeliveryWorker(input: {
  db: Database;
  deps: AuthDeps;
  mailer: Mailer;
  log: Logger;
  metrics: Metrics;
  intervalMs?: number;
  options?: DeliveryOptions;
}): DeliveryWorker {
  const { db, deps, mailer, log, metrics, intervalMs = 1000, options = defaultDeliveryOptions } = input;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const pass = async (): Promise<void> => {
    do {
      again = false;
      try {
        const report = await deliverDueEmails(db, deps, mailer, options);
        for (const { kind, outcome } of report.sends) {
          if (outcome === 'sent') metrics.emailsSent.inc({ kind });
          else metrics.emailFailures.inc({ kind, permanent: String(outcome === 'permanently_failed') });
        }
        const claimed = report.sent + report.retrying + report.failed;
        if (claimed >= options.batchSize) again = true;
        if (deps.options.newSignInNotice.enabled) {
          const notices = await queueNewSignInNotices(db, deps, options.batchSize);
          if (notices.notified > 0 || notices.checked >= options.batchSize) again = true;
        }
      } catch (error) {
        log.warn('email delivery pass failed', { error: error instanceof Error ? error.message : String(error) });
      }
    } while (again && !stopped);
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass().finally(() => {
      running = null;
    });
  };

  const timer = setInterval(kick, intervalMs);
  timer.unref();
  kick();

  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    async idle() {
      while (running) await running;
    },
  };
}
