/** Test users with known passwords, unique per test so parallel files never share one. */
import { hash } from 'argon2';
import { departments, users, type Role } from '../../../db/schema/org';
import type { Database } from '../../../db/client';
import { uniqueName } from '../../support/services';

export interface TestAccount {
  id: string;
  username: string;
  password: string;
  role: Role;
  departmentId: string | null;
}

// argon2 is slow on purpose; one hash serves every test account.
const PASSWORD = 'test-password-123';
let passwordHash: Promise<string> | null = null;

export async function createDepartment(db: Database, name = uniqueName('部门')): Promise<{ id: string; name: string }> {
  const [row] = await db.insert(departments).values({ name }).returning({ id: departments.id, name: departments.name });
  return row!;
}

export async function createAccount(db: Database, role: Role, options: { departmentId?: string | null; mustChangePassword?: boolean } = {}): Promise<TestAccount> {
  passwordHash ??= hash(PASSWORD);
  const username = uniqueName(role).replace(/[^A-Za-z0-9._-]/g, '');
  const departmentId = options.departmentId ?? null;
  const [row] = await db
    .insert(users)
    .values({ username, displayName: `测试 ${username}`, role, departmentId, passwordHash: await passwordHash, mustChangePassword: options.mustChangePassword ?? false })
    .returning({ id: users.id });
  return { id: row!.id, username, password: PASSWORD, role, departmentId };
}

/** Logs in over HTTP; returns the bearer token and the cookie/CSRF pair. */
export async function loginOver(baseUrl: string, account: { username: string; password: string }, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: account.username, password: account.password }),
  });
  if (response.status !== 200) throw new Error(`login of ${account.username} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { token: string; csrfToken: string; user: { id: string } };
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { token: body.token, csrfToken: body.csrfToken, cookie: setCookie.split(';')[0]!, setCookie, body };
}
