import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { hotspotPins, hotspotTokens } from '../schema/risk';

/** The cached keywords of these items, with the text hash each was segmented from. */
export async function cachedTokens(db: Executor, itemIds: readonly string[]): Promise<Map<string, { textHash: string; tokens: string[] }>> {
  const cache = new Map<string, { textHash: string; tokens: string[] }>();
  for (let i = 0; i < itemIds.length; i += 5000) {
    const rows = await db.select().from(hotspotTokens).where(inArray(hotspotTokens.itemId, itemIds.slice(i, i + 5000)));
    for (const row of rows) cache.set(row.itemId, { textHash: row.textHash, tokens: row.tokens });
  }
  return cache;
}

export async function storeTokens(db: Executor, rows: ReadonlyArray<{ itemId: string; textHash: string; tokens: string[] }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insert(hotspotTokens)
      .values(rows.slice(i, i + 1000))
      .onConflictDoUpdate({ target: hotspotTokens.itemId, set: { textHash: sql`excluded.text_hash`, tokens: sql`excluded.tokens` } });
  }
}

export async function listPins(db: Executor) {
  return db.select().from(hotspotPins).orderBy(asc(hotspotPins.createdAt));
}

/** Pins the words (again pinning the same words is the same pin). */
export async function insertPin(db: Executor, words: string[], createdBy: string) {
  const [row] = await db.insert(hotspotPins).values({ words, createdBy }).onConflictDoNothing().returning();
  if (row) return row;
  const [existing] = await db.select().from(hotspotPins).where(eq(hotspotPins.words, words));
  return existing!;
}

export async function deletePin(db: Executor, id: string): Promise<boolean> {
  const rows = await db.delete(hotspotPins).where(eq(hotspotPins.id, id)).returning({ id: hotspotPins.id });
  return rows.length > 0;
}
