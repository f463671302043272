/**
 * Issue 20, security review: CSRF on EVERY cookie-authenticated write. The routes come from the
 * OpenAPI document (/docs/json) and the app's own route table (routes hidden from the document are
 * writes too), so a route added later is walked without anyone listing it. Each non-GET route, called
 * by a role allowed to call it with only the session cookie (what a forged cross-site form or fetch
 * carries), must answer 403 csrf_failed; the same with another session's CSRF token. Only the
 * routes that are public or signed by a service account take no session at all, and they are
 * named here.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../db/schema/org';
import { createAccount, createDepartment, loginOver } from './support/accounts';
import { expectationFor } from './support/access-table';
import { startApi, type RunningApi } from './support/api-server';

let api: RunningApi;
const sessions = new Map<Role, { cookie: string; csrfToken: string }>();
const address = `10.41.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** Writes that take no session: login (public), the citizen appeal page (public, with its own challenge), intake (HMAC-signed). */
const WITHOUT_SESSION = ['POST /api/auth/login', 'POST /public/appeals', 'POST /api/intake/signals', 'POST /api/intake/appeals'];

beforeAll(async () => {
  api = await startApi({ TRUST_PROXY: '1' });
  const department = await createDepartment(api.deps.database.db);
  for (const role of roles) {
    const account = await createAccount(api.deps.database.db, role, { departmentId: role === 'department' ? department.id : null });
    const session = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address });
    sessions.set(role, { cookie: session.cookie, csrfToken: session.csrfToken });
  }
});
afterAll(async () => api?.close());

interface Write {
  method: string;
  /** Fastify's form: /api/items/:id */
  url: string;
}

async function everyWrite(): Promise<Write[]> {
  const document = (await (await fetch(`${api.baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const fromDocs = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .map((m) => m.toUpperCase())
      .filter((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m))
      .map((method) => ({ method, url: path.replace(/\{([^}]+)\}/g, ':$1') })),
  );
  const fromTable = api.app.routeTable.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method)).map((r) => ({ method: r.method, url: r.url }));
  const seen = new Map<string, Write>();
  for (const write of [...fromDocs, ...fromTable]) seen.set(`${write.method} ${write.url}`, write);
  return [...seen.values()];
}

/** A role the access table lets call the route (so the refusal seen is the CSRF check, not the role). */
function callerFor(write: Write): Role | 'none' {
  const who = expectationFor(write.method, write.url)?.who;
  if (who === undefined) throw new Error(`${write.method} ${write.url} is missing from tests/api/support/access-table.ts`);
  if (who === 'public' || who === 'service') return 'none';
  return who === 'user' ? 'supervisor' : who[0]!;
}

function concrete(url: string): string {
  return url
    .replace(/:kind\b/g, 'routine')
    .replace(/:year\b/g, '2097')
    .replace(/:[A-Za-z]+/g, () => randomUUID())
    .replace(/\*$/, 'api/queues/notifications/retry/failed');
}

async function send(write: Write, role: Role, csrf: string | null) {
  const session = sessions.get(role)!;
  const response = await fetch(`${api.baseUrl}${concrete(write.url)}`, {
    method: write.method,
    headers: {
      cookie: session.cookie,
      'content-type': 'application/json',
      'x-forwarded-for': address,
      // What a cross-site page can make a browser send: the cookie, a foreign Origin.
      origin: 'https://evil.example',
      ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
    },
    body: '{}',
  });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code };
}

describe('CSRF on every cookie-authenticated write', () => {
  it('walks every write of /docs/json and the route table; only the named public and signed ones take no session', async () => {
    const writes = await everyWrite();
    expect(writes.length).toBeGreaterThan(60);
    const sessionless = writes.filter((w) => callerFor(w) === 'none').map((w) => `${w.method} ${w.url}`).sort();
    expect(sessionless).toEqual([...WITHOUT_SESSION].sort());
  });

  it('refuses each one with the session cookie but no CSRF token, or another session’s token: 403 before anything runs', { timeout: 240_000 }, async () => {
    const writes = (await everyWrite()).filter((w) => callerFor(w) !== 'none');
    const problems: string[] = [];
    const foreign = sessions.get('auditor')!.csrfToken;
    for (let i = 0; i < writes.length; i += 6) {
      await Promise.all(
        writes.slice(i, i + 6).map(async (write) => {
          const role = callerFor(write) as Role;
          const csrf = role === 'auditor' ? sessions.get('admin')!.csrfToken : foreign;
          for (const [what, token] of [['no token', null], ['another session’s token', csrf]] as const) {
            const answer = await send(write, role, token);
            // Bull Board answers in its own shape: a 403 there is its same-origin check.
            const refused = write.url.startsWith('/admin/') ? answer.status === 403 : answer.status === 403 && answer.code === 'csrf_failed';
            if (!refused) problems.push(`${write.method} ${write.url} as ${role} with ${what}: ${answer.status} ${answer.code ?? ''}`);
          }
        }),
      );
    }
    expect(problems).toEqual([]);
  });

  it('lets the same cookie write with its own token (so the refusals above are the CSRF check)', async () => {
    const admin = sessions.get('admin')!;
    const write = { method: 'PUT', url: '/api/me/notification-preferences' };
    const refused = await send(write, 'admin', null);
    expect(refused).toEqual({ status: 403, code: 'csrf_failed' });
    const allowed = await send(write, 'admin', admin.csrfToken);
    expect(allowed.code).not.toBe('csrf_failed');
    expect(allowed.status).not.toBe(403);
  });

  it('needs no token from a bearer caller (a browser never adds Authorization by itself)', async () => {
    const account = await createAccount(api.deps.database.db, 'supervisor');
    const { token } = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address });
    const answer = await fetch(`${api.baseUrl}/api/me/notification-preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).not.toBe(403);
  });
});
