import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { idempotencyKeys } from '../schema/idempotency';

export interface IdempotencyScope {
  userId: string;
  key: string;
}

/** Inserts the 'pending' row; true when this request won the key. */
export async function claimIdempotencyKey(db: Executor, scope: IdempotencyScope, requestFingerprint: string): Promise<boolean> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ ...scope, requestFingerprint })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length === 1;
}

export async function findIdempotencyKey(db: Executor, scope: IdempotencyScope) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, scope.userId), eq(idempotencyKeys.key, scope.key)));
  return row;
}

/** Takes over a pending row whose owner apparently died (older than `staleBefore`); true on success. */
export async function takeOverStaleKey(db: Executor, scope: IdempotencyScope, staleBefore: Date): Promise<boolean> {
  const taken = await db
    .update(idempotencyKeys)
    .set({ updatedAt: sql`now()` })
    .where(
      and(
        eq(idempotencyKeys.userId, scope.userId),
        eq(idempotencyKeys.key, scope.key),
        eq(idempotencyKeys.state, 'pending'),
        lt(idempotencyKeys.updatedAt, staleBefore),
      ),
    )
    .returning({ key: idempotencyKeys.key });
  return taken.length === 1;
}

export async function completeIdempotencyKey(
  db: Executor,
  scope: IdempotencyScope,
  response: { status: number; body: string; contentType: string | null },
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: 'done', responseStatus: response.status, responseBody: response.body, responseContentType: response.contentType, updatedAt: sql`now()` })
    .where(and(eq(idempotencyKeys.userId, scope.userId), eq(idempotencyKeys.key, scope.key)));
}

/** Forgets finished keys older than `before` (a repeat after that runs again; Temporal's own Update-id dedupe still holds). */
export async function deleteIdempotencyKeysBefore(db: Executor, before: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.state, 'done'), lt(idempotencyKeys.updatedAt, before)));
}

/** Frees the key (the first attempt failed with a server error), so a retry runs again. */
export async function releaseIdempotencyKey(db: Executor, scope: IdempotencyScope): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, scope.userId), eq(idempotencyKeys.key, scope.key), eq(idempotencyKeys.state, 'pending')));
}
