// Reads and writes of item merges (db/schema/merges.ts): the current merge of a duplicate, the
// duplicates of a primary, and an appeal's lead task after an unmerge reopened it.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../client';
import { appeals } from '../schema/appeals';
import { items } from '../schema/items';
import { itemMerges } from '../schema/merges';

export async function recordMerge(db: Executor, row: { duplicateId: string; primaryId: string; mergedBy: string; mergedAt: Date }): Promise<void> {
  await db.insert(itemMerges).values(row).onConflictDoNothing();
}

export async function recordUnmerge(db: Executor, duplicateId: string, unmergedBy: string, unmergedAt: Date): Promise<void> {
  await db
    .update(itemMerges)
    .set({ unmergedBy, unmergedAt })
    .where(and(eq(itemMerges.duplicateId, duplicateId), isNull(itemMerges.unmergedAt)));
}

/** The primary an item is merged into now (its id, code and title), if any. */
export async function currentPrimaryOf(db: Executor, duplicateId: string) {
  const [row] = await db
    .select({ id: items.id, code: items.code, title: items.title, mergedAt: itemMerges.mergedAt })
    .from(itemMerges)
    .innerJoin(items, eq(items.id, itemMerges.primaryId))
    .where(and(eq(itemMerges.duplicateId, duplicateId), isNull(itemMerges.unmergedAt)));
  return row;
}

/** Whether each of these items has duplicates merged into it now. */
export async function itemsWithDuplicates(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ id: itemMerges.primaryId })
    .from(itemMerges)
    .where(and(inArray(itemMerges.primaryId, [...ids]), isNull(itemMerges.unmergedAt)));
  return new Set(rows.map((r) => r.id));
}

/** The duplicates merged into a primary now, with their text, oldest merge first. */
export async function duplicatesOf(db: Executor, primaryId: string) {
  return db
    .select({ id: items.id, code: items.code, title: items.title, description: items.description, kind: items.kind, mergedAt: itemMerges.mergedAt })
    .from(itemMerges)
    .innerJoin(items, eq(items.id, itemMerges.duplicateId))
    .where(and(eq(itemMerges.primaryId, primaryId), isNull(itemMerges.unmergedAt)))
    .orderBy(asc(itemMerges.mergedAt));
}

/** An appeal's lead task after an unmerge reopened it under a new id. */
export async function moveAppealLeadTask(db: Executor, appealId: string, fromTaskId: string, toTaskId: string): Promise<void> {
  await db
    .update(appeals)
    .set({ leadTaskId: toTaskId })
    .where(and(eq(appeals.id, appealId), eq(appeals.leadTaskId, fromTaskId)));
}
