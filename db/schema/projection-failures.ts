import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A workflow whose projection failed for a reason retrying cannot cure (a value the database refuses,
 * a broken constraint). The workflow goes on — timers, notifications, the item — and the read model
 * misses that write until an admin repairs the item: re-projected from its histories once the cause is
 * fixed (api/services/platform/projection-failures.ts). One row per workflow; repair removes it.
 */
export const projectionFailures = pgTable(
  'projection_failures',
  {
    workflowId: text('workflow_id').primaryKey(),
    kind: text('kind', { enum: ['item', 'task'] }).notNull(),
    itemId: uuid('item_id').notNull(),
    taskId: uuid('task_id'),
    /** The workflow's state version whose write failed last. */
    version: integer('version').notNull(),
    /** Postgres' SQLSTATE, or the error's name. */
    errorCode: text('error_code').notNull(),
    /** The database's message, cut short; never the refused values themselves. */
    error: text('error').notNull(),
    failures: integer('failures').notNull().default(1),
    firstFailedAt: timestamp('first_failed_at', { withTimezone: true }).notNull().defaultNow(),
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('projection_failures_item_idx').on(t.itemId)],
);
