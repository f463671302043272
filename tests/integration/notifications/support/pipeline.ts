/** The notification pipeline of one test: its own queue prefix on the shared Redis, the test database, running processors. */
import { eq } from 'drizzle-orm';
import type { Config } from '../../../../config/env';
import { connectDatabase } from '../../../../db/client';
import { notificationDeliveries, notifications } from '../../../../db/schema/notifications';
import type { Mailer } from '../../../../jobs/notifications/channels/email';
import type { DeliveryPolicy } from '../../../../jobs/notifications/deps';
import { createQueues } from '../../../../jobs/queues';
import { connectRedis } from '../../../../jobs/redis';
import { startNotificationProcessors } from '../../../../jobs/run-processors';
import { testConfig } from '../../../support/services';

/** The local receivers tests post to live on 127.0.0.1: allowed explicitly, as an admin would allow an intranet host. */
export const localReceivers = { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' };

export const fastRetries: Partial<DeliveryPolicy> = { attempts: 3, backoffMs: 100, webhookTimeoutMs: 3000 };

export async function startPipeline(options: { config?: Config; mailer?: Mailer | null; delivery?: Partial<DeliveryPolicy>; now?: () => Date; processors?: boolean } = {}) {
  const config = options.config ?? testConfig(localReceivers);
  const database = connectDatabase(config.DATABASE_URL, { max: 5 });
  const redis = connectRedis(config.REDIS_URL);
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const processors =
    options.processors === false
      ? null
      : startNotificationProcessors({ config, db: database.db, queues, mailer: options.mailer ?? null, delivery: { ...fastRetries, ...options.delivery }, now: options.now });
  return {
    config,
    db: database.db,
    queues,
    processors,
    inboxOf: (userId: string) => database.db.select().from(notifications).where(eq(notifications.userId, userId)),
    inboxByKey: (dedupeKey: string) => database.db.select().from(notifications).where(eq(notifications.dedupeKey, dedupeKey)),
    deliveriesByKey: (requestKey: string) => database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.requestKey, requestKey)),
    async close() {
      await processors?.close();
      await queues.notifications.obliterate({ force: true }).catch(() => {});
      await queues.close();
      redis.disconnect();
      await database.close();
    },
  };
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits a little longer to be sure nothing more arrives (for "exactly once" assertions). */
export const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));
