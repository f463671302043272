/** Logging in and out, and changing one's own password. */
import type { Executor } from '../../../db/client';
import { deleteExpiredSessions, deleteSession, deleteUserSessions, insertSession } from '../../../db/queries/sessions';
import { findUserById, findUserForLogin, updateUser } from '../../../db/queries/users';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';
import { guessLimiter, loginGuards, passwordChangeGuards } from './login-throttle';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';
import { csrfTokenFor, hashSessionToken, newSessionToken, SESSION_TTL_MS } from './session-tokens';

type AuthDeps = Pick<ApiDeps, 'config' | 'database' | 'redis'>;

export interface LoginResult {
  token: string;
  expiresAt: Date;
  csrfToken: string;
  user: SessionUser & { mustChangePassword: boolean };
}

export async function login(
  deps: AuthDeps,
  input: { username: string; password: string },
  meta: { ip: string | null; userAgent: string | null },
): Promise<LoginResult> {
  // Counted before the password is checked, so parallel guesses cannot outrun the count.
  const attempt = await guessLimiter(deps.redis, deps.config.QUEUE_PREFIX).begin(loginGuards(input.username, meta.ip));
  const user = await findUserForLogin(deps.database.db, input.username);
  const ok = await verifyPassword(user && !user.disabled ? user.passwordHash : null, input.password);
  if (!user || user.disabled || !ok) {
    await attempt.failed();
    throw new AppError('unauthenticated', 'Wrong username or password.', { messageZh: '用户名或密码不正确。' });
  }
  await attempt.succeeded();
  // Always a fresh token: whatever session cookie the caller brought (a planted one) is never adopted.
  const session = await openSession(deps, deps.database.db, user.id, meta);
  // Expired sessions no longer authenticate anyone; logins sweep them away (indexed, cheap).
  await deleteExpiredSessions(deps.database.db, new Date());
  return {
    ...session,
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      departmentId: user.departmentId,
      mustChangePassword: user.mustChangePassword,
    },
  };
}

/** A new session of the user: its token (only ever answered, stored hashed), expiry and CSRF token. */
async function openSession(
  deps: Pick<AuthDeps, 'config'>,
  db: Executor,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<Omit<LoginResult, 'user'>> {
  const token = newSessionToken();
  const tokenHash = hashSessionToken(token);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await insertSession(db, { tokenHash, userId, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null });
  return { token, expiresAt, csrfToken: csrfTokenFor(deps.config.SESSION_SECRET, tokenHash) };
}

export async function logout(deps: Pick<ApiDeps, 'database'>, sessionId: string): Promise<void> {
  await deleteSession(deps.database.db, sessionId);
}

/**
 * Changes the caller's password and ends every session of theirs, this one included: the caller
 * goes on with the new session answered (a token stolen before the change is worth nothing after).
 */
export async function changeOwnPassword(
  deps: AuthDeps,
  user: SessionUser,
  session: { ip: string | null; userAgent: string | null },
  input: { current: string; next: string },
): Promise<Omit<LoginResult, 'user'>> {
  // Guessing the current password is throttled like a login (a stolen session must not brute-force it).
  const attempt = await guessLimiter(deps.redis, deps.config.QUEUE_PREFIX).begin(passwordChangeGuards(user.id, session.ip));
  const stored = await findUserById(deps.database.db, user.id);
  if (!stored || !(await verifyPassword(stored.passwordHash, input.current))) {
    await attempt.failed();
    throw fieldError('rule_violation', 'body.current', 'wrong password', '当前密码不正确', 'The current password is wrong.');
  }
  await attempt.succeeded();
  if (input.next.length < MIN_PASSWORD_LENGTH) {
    throw fieldError(
      'validation_failed',
      'body.next',
      `at least ${MIN_PASSWORD_LENGTH} characters`,
      `新密码至少 ${MIN_PASSWORD_LENGTH} 个字符`,
      `The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  }
  if (input.next === input.current) {
    throw fieldError(
      'rule_violation',
      'body.next',
      'same as current',
      '新密码不能与当前密码相同',
      'The new password must differ from the current one.',
    );
  }
  const passwordHash = await hashPassword(input.next);
  return deps.database.db.transaction(async (tx) => {
    await updateUser(tx, user.id, { passwordHash, mustChangePassword: false });
    await deleteUserSessions(tx, user.id);
    return openSession(deps, tx, user.id, session);
  });
}
