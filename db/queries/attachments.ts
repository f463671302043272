// Attachment rows: what was uploaded, by whom, for which item or task. The bytes are in the store.
import { and, asc, eq, isNull, or, inArray, sql } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { attachments, type AttachmentRow } from '../schema/attachments';

export async function findAttachment(db: Executor, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
  return row;
}

/**
 * Inserts the row unless it would take the item past `maxItemBytes`: the item's rows are counted
 * under a transaction-scoped lock on the item, so two uploads racing for the last bytes cannot both
 * fit. Answers the bytes the item held before, and whether the row went in.
 */
export async function insertAttachmentWithin(db: Database, row: typeof attachments.$inferInsert, maxItemBytes: number): Promise<{ inserted: boolean; heldBytes: number }> {
  return db.transaction(async (tx) => {
    let heldBytes = 0;
    if (row.itemId) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'attachments:' + row.itemId}, 0))`);
      const [sum] = await tx
        .select({ bytes: sql<string>`coalesce(sum(${attachments.size}), 0)` })
        .from(attachments)
        .where(eq(attachments.itemId, row.itemId));
      heldBytes = Number(sum?.bytes ?? 0);
      if (heldBytes + row.size > maxItemBytes) return { inserted: false, heldBytes };
    }
    await tx.insert(attachments).values(row);
    return { inserted: true, heldBytes };
  });
}

/** An item's attachments, oldest first; with `taskIds`, only the item's own and those tasks'. */
export async function listItemAttachments(db: Executor, itemId: string, taskIds?: readonly string[]): Promise<AttachmentRow[]> {
  const scope = taskIds ? or(isNull(attachments.taskId), taskIds.length ? inArray(attachments.taskId, [...taskIds]) : sql`false`) : undefined;
  return db
    .select()
    .from(attachments)
    .where(and(eq(attachments.itemId, itemId), scope))
    .orderBy(asc(attachments.uploadedAt), asc(attachments.id));
}

/** The rows of these ids, locked until the transaction ends (so two appeals cannot take the same file). */
export async function lockAttachments(tx: Executor, ids: readonly string[]): Promise<Map<string, AttachmentRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select().from(attachments).where(inArray(attachments.id, [...ids])).for('update');
  return new Map(rows.map((r) => [r.id, r]));
}

/** Ties untied uploads to an item: from now on they are read exactly like it. */
export async function tieAttachmentsToItem(tx: Executor, ids: readonly string[], itemId: string): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(attachments).set({ itemId }).where(and(inArray(attachments.id, [...ids]), isNull(attachments.itemId), isNull(attachments.taskId)));
}
