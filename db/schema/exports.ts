// Background exports (PDF volumes): one row per request, with the job's progress and, once done,
// the file itself, so any API process can serve it whichever worker built it.
import { customType, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const exportJobs = pgTable(
  'export_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    /** Only whoever asked may see the job and download its file. */
    requestedBy: uuid('requested_by').notNull(),
    params: jsonb('params').notNull(),
    status: text('status', { enum: EXPORT_STATUSES }).notNull().default('queued'),
    /** 0..100 */
    progress: integer('progress').notNull().default(0),
    error: text('error'),
    /** How many items the volume holds. */
    itemCount: integer('item_count'),
    /** How many items matched the filter when the job selected them (more than itemCount when capped). */
    matchedCount: integer('matched_count'),
    fileName: text('file_name'),
    contentType: text('content_type'),
    file: bytea('file'),
    createdAt: at('created_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [index('export_jobs_requested_by_idx').on(t.requestedBy, t.createdAt)],
);

export type ExportJobRow = typeof exportJobs.$inferSelect;
