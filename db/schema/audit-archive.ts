// Copies of closed items' Temporal histories, kept past the namespace's retention period so the audit
// functions work the same on an item closed years ago. One row per workflow run.
import { customType, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

export const archivedHistories = pgTable(
  'archived_histories',
  {
    workflowId: text('workflow_id').notNull(),
    runId: text('run_id').notNull(),
    itemId: uuid('item_id').notNull(),
    /** 'item' or 'task'. */
    workflowKind: text('workflow_kind').notNull(),
    /** Position of the run in its workflow's continue-as-new chain (0 = first run). */
    runIndex: integer('run_index').notNull(),
    eventCount: integer('event_count').notNull(),
    /** gzip of the history JSON in Temporal's own format (historyToJSON). */
    historyGzip: bytea('history_gzip').notNull(),
    /** sha256 (hex) of the uncompressed history JSON. */
    sha256: text('sha256').notNull(),
    archivedAt: timestamp('archived_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.runId] }), index('archived_histories_item_idx').on(t.itemId)],
);

export type ArchivedHistoryRow = typeof archivedHistories.$inferSelect;
