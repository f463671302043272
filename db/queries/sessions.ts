import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { groupCommitOf } from '../group-commit';
import { sessions } from '../schema/auth';
import { users } from '../schema/org';
import { prepared } from './prepared-statements';
import { sessionUserColumns } from './users';

export interface NewSession {
  tokenHash: string;
  userId: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export async function insertSession(db: Executor, session: NewSession): Promise<string> {
  const [row] = await db.insert(sessions).values(session).returning({ id: sessions.id });
  return row!.id;
}

/**
 * The live session's user (not expired, not disabled), or undefined. Every authenticated request
 * asks, so the lookups of requests arriving at the same moment go as one prepared
 * `token_hash = any($1)` statement (group read), checked against the latest of their clocks.
 */
export async function findSessionByTokenHash(db: Database, tokenHash: string, now: Date) {
  const lookups = groupCommitOf(db, 'find_sessions', async (asked: { tokenHash: string; now: Date }[]) => {
    const statement = prepared(db, 'find_sessions', () =>
      db
        .select({
          tokenHash: sessions.tokenHash,
          sessionId: sessions.id,
          lastSeenAt: sessions.lastSeenAt,
          ...sessionUserColumns,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(
            sql`${sessions.tokenHash} = any(${sql.placeholder('tokenHashes')}::text[])`,
            gt(sessions.expiresAt, sql`${sql.placeholder('now')}::timestamptz`),
            eq(users.disabled, false),
          ),
        )
        .prepare('find_sessions'),
    );
    const latest = new Date(Math.max(...asked.map((a) => a.now.getTime())));
    const rows = await statement.execute({ tokenHashes: [...new Set(asked.map((a) => a.tokenHash))], now: latest.toISOString() });
    const byHash = new Map(rows.map(({ tokenHash: hash, ...session }) => [hash, session]));
    return asked.map((a) => byHash.get(a.tokenHash));
  });
  return lookups.submit({ tokenHash, now });
}

export async function touchSession(db: Executor, sessionId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
}

export async function deleteSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user except (optionally) the one in use. */
export async function deleteUserSessions(db: Executor, userId: string, exceptSessionId?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
}

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}
