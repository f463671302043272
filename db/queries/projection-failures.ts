// Projections that failed for good (db/schema/projection-failures.ts): recorded by the projection
// activities, listed to admins and in /api/health, removed when an item is repaired.
import { count, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { projectionFailures } from '../schema/projection-failures';

export type ProjectionFailureRow = typeof projectionFailures.$inferSelect;
export type NewProjectionFailure = Pick<ProjectionFailureRow, 'workflowId' | 'kind' | 'itemId' | 'taskId' | 'version' | 'errorCode' | 'error'>;

/** Records one more failure of a workflow's projection (the first keeps its time). */
export async function recordProjectionFailure(db: Database, row: NewProjectionFailure): Promise<void> {
  await db
    .insert(projectionFailures)
    .values(row)
    .onConflictDoUpdate({
      target: projectionFailures.workflowId,
      set: {
        version: row.version,
        errorCode: row.errorCode,
        error: row.error,
        failures: sql`${projectionFailures.failures} + 1`,
        lastFailedAt: sql`now()`,
      },
    });
}

export function listProjectionFailures(db: Database, limit = 200): Promise<ProjectionFailureRow[]> {
  return db.select().from(projectionFailures).orderBy(desc(projectionFailures.lastFailedAt)).limit(limit);
}

export async function countProjectionFailures(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(projectionFailures);
  return row?.n ?? 0;
}

export function projectionFailuresOfItem(db: Database, itemId: string): Promise<ProjectionFailureRow[]> {
  return db.select().from(projectionFailures).where(eq(projectionFailures.itemId, itemId));
}

export async function clearProjectionFailures(db: Database, itemId: string): Promise<number> {
  const removed = await db.delete(projectionFailures).where(eq(projectionFailures.itemId, itemId)).returning({ id: projectionFailures.workflowId });
  return removed.length;
}
