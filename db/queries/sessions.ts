import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { sessions } from '../schema/auth';
import { users } from '../schema/org';
import { prepared } from './prepared-statements';

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

/** The live session's user (not expired, not disabled), or undefined. Every authenticated request asks. */
export async function findSessionByTokenHash(db: Executor, tokenHash: string, now: Date) {
  const statement = prepared(db, 'find_session', () =>
    db
      .select({
        sessionId: sessions.id,
        lastSeenAt: sessions.lastSeenAt,
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        role: users.role,
        departmentId: users.departmentId,
        mustChangePassword: users.mustChangePassword,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql`${sql.placeholder('now')}::timestamptz`), eq(users.disabled, false)))
      .prepare('find_session'),
  );
  const [row] = await statement.execute({ tokenHash, now: now.toISOString() });
  return row;
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
