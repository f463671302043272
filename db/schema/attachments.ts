// Uploaded files (migration 0026): the bytes live in the attachment store (DATA_DIR or S3), this row
// says what they are and whose they are. An attachment tied to a task is read like that task; one
// tied only to an item like the item; one tied to nothing only by its uploader.
import { bigint, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    /** Judged from the content, never taken from the client. */
    contentType: text('content_type').notNull(),
    storageKey: text('storage_key').notNull(),
    uploadedBy: uuid('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    itemId: uuid('item_id'),
    taskId: uuid('task_id'),
  },
  (t) => [index('attachments_item_idx').on(t.itemId), index('attachments_task_idx').on(t.taskId)],
);

export type AttachmentRow = typeof attachments.$inferSelect;
