import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { departments, users } from './org';

export const notificationChannels = ['inbox', 'email', 'webhook', 'sms'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/**
 * pending → sent, or → failed after the last retry; or held (quiet hours / daily digest) → sent as part
 * of one digest (or → failed when the digest's last try fails).
 */
export const deliveryStatuses = ['pending', 'held', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const webhookKinds = ['generic', 'wecom', 'dingtalk'] as const;
export type WebhookKind = (typeof webhookKinds)[number];

export const languages = ['zh', 'en'] as const;
export type Language = (typeof languages)[number];

/** The in-app inbox: one row per notification and recipient, with the read receipt urging relies on. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The request's dedupe key: with userId, unique, so a retried job never writes twice. */
    dedupeKey: text('dedupe_key').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    urgent: boolean('urgent').notNull(),
    itemId: text('item_id').notNull(),
    taskId: text('task_id'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The request as received, for the UI to link and for audit. */
    data: jsonb('data').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_user_idx').on(t.dedupeKey, t.userId),
    index('notifications_user_created_idx').on(t.userId, t.createdAt.desc()),
    index('notifications_task_idx').on(t.taskId),
  ],
);

/**
 * One row per (notification, channel, recipient): the at-most-once ledger and the visible state of
 * every push delivery (e-mail, webhook), including the last error of one that keeps failing.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `<request dedupe key>/<channel>/<recipient>`: unique, so fan-out retries never duplicate a delivery. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    requestKey: text('request_key').notNull(),
    channel: text('channel', { enum: notificationChannels }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    webhookId: uuid('webhook_id'),
    /** E-mail address, webhook URL (without secrets) or phone number at the time of fan-out. */
    target: text('target').notNull(),
    language: text('language', { enum: languages }).notNull().default('zh'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /**
     * Webhooks: the JSON body to post (signed at send time, since signatures carry a timestamp).
     * SMS: `{ message, params }` — the message type (its template code is looked up at send time) and its variables.
     */
    payload: jsonb('payload'),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    heldUntil: timestamp('held_until', { withTimezone: true }),
    /**
     * Held deliveries: the digest that took them (its job's id). Claimed once, so each held delivery
     * goes out in exactly one digest, and a retried digest job finds the ones it had taken.
     */
    digestKey: text('digest_key'),
    /** Set on the result of an early-warning signal: posted to that source's result URL (db/schema/intake.ts). */
    intakeSource: text('intake_source'),
    /** SMS: the provider's id of the sent message (Alibaba's BizId). */
    providerMessageId: text('provider_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('notification_deliveries_request_idx').on(t.requestKey),
    index('notification_deliveries_held_idx').on(t.userId, t.heldUntil).where(sql`status = 'held'`),
    index('notification_deliveries_held_webhook_idx').on(t.webhookId, t.heldUntil).where(sql`status = 'held'`),
    index('notification_deliveries_digest_idx').on(t.digestKey).where(sql`digest_key is not null`),
    index('notification_deliveries_status_idx').on(t.status, t.updatedAt),
  ],
);

/**
 * Which channels reach whom. A row is either a user's own settings or a department's
 * (exactly one of userId / departmentId). Missing rows mean the defaults: inbox only, zh.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .unique()
      .references(() => users.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .unique()
      .references(() => departments.id, { onDelete: 'cascade' }),
    language: text('language', { enum: languages }),
    /** User: their address. */
    email: text('email'),
    /** User: wants e-mail. Department: its staff may get e-mail (an office can switch it off). */
    emailEnabled: boolean('email_enabled'),
    /** User: wants SMS (to users.phone). Department: its staff may get SMS. */
    smsEnabled: boolean('sms_enabled'),
    /** Department: its webhooks are used. */
    webhooksEnabled: boolean('webhooks_enabled'),
    /**
     * Quiet hours and the daily digest. A user's hold their own e-mail; a department's hold its webhooks
     * and group robots (the group chat's night). Urgent notifications (red lights, urges) never wait.
     */
    timeZone: text('time_zone'),
    /** 'HH:MM' local; what is not urgent inside [quietStart, quietEnd) is held and sent as one digest at quietEnd. */
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    /** 'HH:MM' local; when set, everything not urgent waits for one daily digest at this time. */
    digestTime: text('digest_time'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('notification_preferences_owner', sql`(${t.userId} is null) <> (${t.departmentId} is null)`)],
);

/** A department's outgoing webhooks: a generic signed JSON endpoint or a WeCom / DingTalk group robot. */
export const notificationWebhooks = pgTable(
  'notification_webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: webhookKinds }).notNull(),
    url: text('url').notNull(),
    /** HMAC-SHA256 key (generic: X-Signature header; DingTalk: its own sign query parameter). */
    secret: text('secret'),
    enabled: boolean('enabled').notNull().default(true),
    language: text('language', { enum: languages }).notNull().default('zh'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notification_webhooks_department_idx').on(t.departmentId)],
);

/** Template codes per SMS message type and language (the provider's approved templates, e.g. SMS_123456). */
export type SmsTemplateCodes = Partial<Record<string, { zh?: string; en?: string }>>;

/**
 * The SMS provider's settings, kept by an admin: one row (id 'sms'). The secret is write-only:
 * the API never returns it, only whether it is set. SMS_ENDPOINT overrides `endpoint` (tests).
 */
export const smsSettings = pgTable(
  'sms_settings',
  {
    id: text('id').primaryKey().default('sms'),
    enabled: boolean('enabled').notNull().default(false),
    endpoint: text('endpoint').notNull().default('https://dysmsapi.aliyuncs.com/'),
    accessKeyId: text('access_key_id').notNull().default(''),
    accessKeySecret: text('access_key_secret').notNull().default(''),
    signName: text('sign_name').notNull().default(''),
    templates: jsonb('templates').$type<SmsTemplateCodes>().notNull().default({}),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [check('sms_settings_one_row', sql`${t.id} = 'sms'`)],
);
