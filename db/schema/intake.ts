import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { supervisionMatters } from './matters';
import { departments, users } from './org';

export const riskLevels = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof riskLevels)[number];

/** An outside monitoring system that posts early-warning signals, and where its results go back. */
export const intakeSources = pgTable('intake_sources', {
  /** The `source` every signal of this system names. */
  source: text('source').primaryKey(),
  name: text('name').notNull(),
  /** Where the verification result is posted (a signed generic webhook); null: results are not sent. */
  resultUrl: text('result_url'),
  /** HMAC-SHA256 key of the result posts (x-supervision-signature), as for departments' webhooks. */
  resultSecret: text('result_secret'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

/**
 * A machine caller of one source. Only a SHA-256 of its API key is kept; the signing secret is kept
 * as given, since checking an HMAC needs it (shown to the admin once, at creation). Deleting the row
 * stops the key at once: every request looks it up.
 */
export const serviceAccounts = pgTable(
  'service_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    source: text('source')
      .notNull()
      .references(() => intakeSources.source, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    /** The key's first characters, so an admin can tell keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    secret: text('secret').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: uuid('created_by'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('service_accounts_key_hash_idx').on(t.keyHash), index('service_accounts_source_idx').on(t.source)],
);

/** Which department verifies a source's signals of one risk level, issued in whose name, due when. */
export const intakeRules = pgTable(
  'intake_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source')
      .notNull()
      .references(() => intakeSources.source, { onDelete: 'cascade' }),
    riskLevel: text('risk_level', { enum: riskLevels }).notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    /** The leader in whose name the verification item is issued. */
    issuedBy: uuid('issued_by')
      .notNull()
      .references(() => users.id),
    /** The deadline: N working days, or an ISO-8601 duration; neither: the verification template's. */
    dueInWorkingDays: integer('due_in_working_days'),
    dueWithin: text('due_within'),
    /** The matter its items are tied to; its responsible department then verifies (unless the signal names one). */
    matterId: uuid('matter_id').references(() => supervisionMatters.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [uniqueIndex('intake_rules_source_risk_idx').on(t.source, t.riskLevel), check('intake_rules_risk_level', sql`${t.riskLevel} in ('low', 'medium', 'high')`)],
);

/** One row per (source, external id): a repeat updates it and never makes a second item. */
export const intakeSignals = pgTable(
  'intake_signals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    itemId: uuid('item_id').notNull(),
    serviceAccountId: uuid('service_account_id'),
    subject: text('subject').notNull(),
    riskLevel: text('risk_level', { enum: riskLevels }).notNull(),
    details: jsonb('details'),
    departmentId: uuid('department_id').notNull(),
    ruleId: uuid('rule_id'),
    receivedCount: integer('received_count').notNull().default(1),
    firstReceivedAt: timestamp('first_received_at', { withTimezone: true }).notNull().defaultNow(),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true }).notNull().defaultNow(),
    /** The ledger row (notification_deliveries) of the result sent back, once the item completed. */
    resultDeliveryId: uuid('result_delivery_id'),
  },
  (t) => [uniqueIndex('intake_signals_source_external_idx').on(t.source, t.externalId), uniqueIndex('intake_signals_item_idx').on(t.itemId)],
);
