import { and, eq, lt, sql } from 'drizzle-orm';
import { postgresClientOf, type Database, type Executor } from '../client';
import { groupCommitOf } from '../group-commit';
import { idempotencyKeys } from '../schema/idempotency';

export interface IdempotencyScope {
  userId: string;
  key: string;
}

/**
 * The claim commits without waiting for its WAL flush (synchronous_commit off for its own transaction:
 * set_config(..., true) lasts until the commit, which reads it). Losing a claim in a crash is harmless:
 * the request's answer is stored by a later, flushed commit (which flushes the WAL up to it, claim
 * included), and a request that crashed before that has no answer and is retried — its Temporal Update
 * id comes from the same key, so the action still applies once. Others see the claim as soon as it
 * commits, flushed or not. Measured with pgbench on one connection: 165 → 145 µs of Postgres CPU per
 * claim, and 4 WAL flushes for 2,000 claims instead of 2,000.
 */
const claimBatchStatement = `with without_flush_wait as (select set_config('synchronous_commit', 'off', true))
insert into idempotency_keys (user_id, key, request_fingerprint)
select s.user_id, s.key, s.request_fingerprint
from without_flush_wait, json_to_recordset($1::text::json) as s(user_id uuid, key text, request_fingerprint text)
on conflict do nothing
returning user_id, key`;

/**
 * Inserts the 'pending' row; true when this request won the key. Every keyed write asks, so the claims
 * made at the same moment go as one statement (db/group-commit.ts); of two claims of one key in one
 * batch only the first wins, as if they had come one after the other.
 */
export async function claimIdempotencyKey(db: Database, scope: IdempotencyScope, requestFingerprint: string): Promise<boolean> {
  const claims = groupCommitOf(db, 'idempotency_claim', async (batch: Array<IdempotencyScope & { requestFingerprint: string }>) => {
    const rows = batch.map((c) => ({ user_id: c.userId, key: c.key, request_fingerprint: c.requestFingerprint }));
    const inserted = await postgresClientOf(db).unsafe<{ user_id: string; key: string }[]>(claimBatchStatement, [JSON.stringify(rows)], { prepare: true });
    const won = new Set(inserted.map((r) => JSON.stringify([r.user_id, r.key])));
    return batch.map((c) => won.delete(JSON.stringify([c.userId, c.key])));
  });
  return claims.submit({ ...scope, requestFingerprint });
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

// Storing the answer for repeats: with the audit rows of the same moment (answer-commits.ts).
export { completeIdempotencyKey } from './answer-commits';

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
