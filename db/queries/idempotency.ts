import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { idempotencyKeys } from '../schema/idempotency';
import { prepared } from './prepared-statements';

export interface IdempotencyScope {
  userId: string;
  key: string;
}

/** Inserts the 'pending' row; true when this request won the key. Every keyed write asks (prepared). */
export async function claimIdempotencyKey(db: Executor, scope: IdempotencyScope, requestFingerprint: string): Promise<boolean> {
  const statement = prepared(db, 'idempotency_claim', () =>
    db
      .insert(idempotencyKeys)
      .values({ userId: sql.placeholder('userId'), key: sql.placeholder('key'), requestFingerprint: sql.placeholder('requestFingerprint') })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key })
      .prepare('idempotency_claim'),
  );
  const inserted = await statement.execute({ userId: scope.userId, key: scope.key, requestFingerprint });
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

/** Stores the answer for repeats. Every keyed write that its handler answered (prepared). */
export async function completeIdempotencyKey(
  db: Executor,
  scope: IdempotencyScope,
  response: { status: number; body: string; contentType: string | null },
): Promise<void> {
  const statement = prepared(db, 'idempotency_complete', () =>
    db
      .update(idempotencyKeys)
      .set({
        state: 'done',
        responseStatus: sql`${sql.placeholder('status')}::int`,
        responseBody: sql`${sql.placeholder('body')}::text`,
        responseContentType: sql`${sql.placeholder('contentType')}::text`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(idempotencyKeys.userId, sql.placeholder('userId')), eq(idempotencyKeys.key, sql.placeholder('key'))))
      .prepare('idempotency_complete'),
  );
  await statement.execute({ userId: scope.userId, key: scope.key, status: response.status, body: response.body, contentType: response.contentType });
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
