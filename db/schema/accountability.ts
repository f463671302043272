// Accountability actions (问责), written by the API (migration 0026): an action may be recorded long
// after the task's workflow closed, so it is not an event of the workflow. `trail` keeps who recorded,
// revised and withdrew it, and when; the audit log holds every write besides.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AccountabilityKind, AccountabilityTrailType } from '../../domain/accountability';
import { departments } from './org';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface AccountabilityTrailEntry {
  type: AccountabilityTrailType;
  at: string;
  actor: { userId: string; name: string; role: string; departmentId: string | null };
  /** The withdrawal's reason, or the names of the fields a revision changed. */
  note: string | null;
}

export const accountabilityActions = pgTable(
  'accountability_actions',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id').notNull(),
    taskId: uuid('task_id').notNull(),
    kind: text('kind').$type<AccountabilityKind>().notNull(),
    personName: text('person_name').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    reason: text('reason').notNull(),
    decision: text('decision').notNull(),
    decidedAt: at('decided_at').notNull(),
    status: text('status', { enum: ['active', 'withdrawn'] }).notNull().default('active'),
    withdrawnAt: at('withdrawn_at'),
    withdrawReason: text('withdraw_reason'),
    recordedBy: uuid('recorded_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    trail: jsonb('trail').$type<AccountabilityTrailEntry[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    index('accountability_actions_item_idx').on(t.itemId),
    index('accountability_actions_department_idx').on(t.departmentId, t.decidedAt).where(sql`${t.status} = 'active'`),
  ],
);

export type AccountabilityRow = typeof accountabilityActions.$inferSelect;
