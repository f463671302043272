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
  /** Points per appeal whose citizen was unsatisfied at the return visit (回访不满意). */
  appealUnsatisfied: real('appeal_unsatisfied').notNull().default(3),
  /** Points per appeal whose citizen was first contacted after the template's window (24 h by default). */
  appealLateContact: real('appeal_late_contact').notNull().default(1),
  /** Points per reopening (重办) of an appeal the department handles. */
  appealReopened: real('appeal_reopened').notNull().default(2),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type AssessmentWeightsRow = typeof assessmentWeights.$inferSelect;
