// Assessment (考核) weights an admin sets: how many points each kind of shortfall costs.
import { pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const assessmentWeights = pgTable('assessment_weights', {
  /** One row, 'default'; a key leaves room for per-period or per-kind weight sets later. */
  id: text('id').primaryKey(),
  /** Points lost for an on-time rate of 0 (scaled linearly: rate 0.8 loses 20% of it). */
  onTimeRate: real('on_time_rate').notNull(),
  /** Points per task that was ever red. */
  redEver: real('red_ever').notNull(),
  /** Points per urge received. */
  urge: real('urge').notNull(),
  /** Points per completion report returned. */
  returned: real('returned').notNull(),
  /** Points per postponed (extended) task. */
  postponed: real('postponed').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type AssessmentWeightsRow = typeof assessmentWeights.$inferSelect;
