import { Worker } from 'bullmq';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import { createMailer, type Mailer } from './notifications/channels/email';
import { parseAllowList } from './notifications/channels/outbound-address';
import { defaultDeliveryPolicy, type DeliveryPolicy } from './notifications/deps';
import { createNotificationProcessor } from './notifications/processor';
import { queueNames, type Queues } from './queues';
import { connectRedis } from './redis';

export interface NotificationProcessorDeps {
  config: Config;
  db: Database;
  queues: Pick<Queues, 'notifications'>;
  /** Default: from SMTP_URL / MAIL_FROM; null turns e-mail off. */
  mailer?: Mailer | null;
  delivery?: Partial<DeliveryPolicy>;
  concurrency?: number;
  now?: () => Date;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

/**
 * How soon a job held by a worker that died (SIGKILL, a lost machine) is handed to another, and how
 * often. BullMQ's defaults (a 30 s lock, a stall check every 30 s, one stall allowed) held a red light's
 * notification up to a minute after its worker was killed, and a job whose worker died twice was
 * failed, never sent. Here a dead worker's job is taken again within ~20 s (the lock, renewed every
 * 7.5 s while its worker lives, plus one check), up to five times: fan-out and delivery are idempotent
 * (one ledger row per recipient and channel; a sent delivery is never sent again), so a job taken
 * from a worker that was only slow costs at most a resend under the same delivery id.
 */
const notificationStallPolicy = { lockDuration: 15_000, stalledInterval: 5_000, maxStalledCount: 5 } as const;

/**
 * Runs the notification pipeline's BullMQ worker on its own Redis connection (workers block on it).
 * Any number of processes may run it; jobs are shared out by BullMQ.
 */
export function startNotificationProcessors(deps: NotificationProcessorDeps) {
  const { config } = deps;
  const ownMailer = deps.mailer === undefined && config.SMTP_URL ? createMailer(config.SMTP_URL, config.MAIL_FROM ?? '督查督办 <noreply@localhost>') : null;
  const mailer = deps.mailer === undefined ? ownMailer : deps.mailer;
  const connection = connectRedis(config.REDIS_URL);
  const log = deps.log ?? (() => {});
  const worker = new Worker(
    queueNames.notifications,
    createNotificationProcessor({
      db: deps.db,
      queues: deps.queues,
      mailer,
      now: deps.now ?? (() => new Date()),
      delivery: { ...defaultDeliveryPolicy, ...deps.delivery },
      webhookAllowList: parseAllowList(config.WEBHOOK_ALLOW_HOSTS),
      smsEndpoint: config.SMS_ENDPOINT,
    }),
    { connection, prefix: config.QUEUE_PREFIX, concurrency: deps.concurrency ?? 20, ...notificationStallPolicy },
  );
  worker.on('failed', (job, error) => {
    log('notification job failed', { jobId: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: error.message });
  });
  // Redis outages surface here; the worker reconnects by itself.
  worker.on('error', (error) => log('notification worker error', { error: error.message }));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
      ownMailer?.close();
    },
  };
}
