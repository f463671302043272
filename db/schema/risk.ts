import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Held-out figures of a risk model run (assist/risk-train.ts `RiskFigures`, same shape). */
export interface RiskModelFigures {
  closed: number;
  red: number;
  trainSnapshots: number;
  heldOutSnapshots: number;
  brier: number;
  auc: number;
  baselineBrier: number;
  baselineAuc: number;
}

/** The learnt logistic regression and the platform's base red rate it was trained with. */
export interface RiskModelParameters {
  weights: number[];
  bias: number;
  means: number[];
  scales: number[];
  baseRate: number;
}

export type RiskModelStatus = 'training' | 'ready' | 'failed' | 'too_little_history';

/** One training run of the red-risk model; the newest ready one is served. */
export const riskModels = pgTable(
  'risk_models',
  {
    version: serial('version').primaryKey(),
    status: text('status').$type<RiskModelStatus>().notNull(),
    requestedBy: uuid('requested_by'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    closed: integer('closed'),
    red: integer('red'),
    figures: jsonb('figures').$type<RiskModelFigures>(),
    model: jsonb('model').$type<RiskModelParameters>(),
    message: text('message'),
  },
  (t) => [index('risk_models_ready_idx').on(t.version).where(sql`status = 'ready'`)],
);

/** A hotspot topic a leader pinned: its words, watched whether or not it is in the top list. */
export const hotspotPins = pgTable(
  'hotspot_pins',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    words: text('words').array().notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('hotspot_pins_words_idx').on(t.words)],
);

/** An item's hotspot keywords as last segmented, valid while its title and description hash the same. */
export const hotspotTokens = pgTable('hotspot_tokens', {
  itemId: uuid('item_id').primaryKey(),
  textHash: text('text_hash').notNull(),
  tokens: text('tokens').array().notNull(),
});
