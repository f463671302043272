import type { Database } from '../../db/client';
import type { Queues } from '../queues';
import type { NotificationBatches } from './batches';
import type { Mailer } from './channels/email';
import type { AllowList } from './channels/outbound-address';

/** What the notification processors touch. Tests pass their own clock, retry timings and mailer. */
export interface NotificationDeps {
  db: Database;
  queues: Pick<Queues, 'notifications'>;
  /** null → the e-mail channel is off (no SMTP_URL). */
  mailer: Mailer | null;
  now: () => Date;
  delivery: DeliveryPolicy;
  /** Internal hosts and ranges webhooks may reach (WEBHOOK_ALLOW_HOSTS); none when unset. */
  webhookAllowList?: AllowList;
  /** SMS_ENDPOINT: overrides the SMS provider endpoint of the admin's settings (tests). */
  smsEndpoint?: string | undefined;
  /** Shared by a processor's jobs so their statements go out together; without it each call batches alone. */
  batches?: NotificationBatches;
}

export interface DeliveryPolicy {
  /** Tries per e-mail/webhook/SMS delivery before it is marked failed. */
  attempts: number;
  /** First retry delay; doubles each time (BullMQ exponential backoff). */
  backoffMs: number;
  webhookTimeoutMs: number;
}

export const defaultDeliveryPolicy: DeliveryPolicy = { attempts: 8, backoffMs: 2000, webhookTimeoutMs: 10_000 };
