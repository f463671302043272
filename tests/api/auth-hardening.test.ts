/**
 * Issue 21's account findings, each as an attacker would try it: parallel and spread-out password
 * guesses, locking someone else out, guessing the current password of a stolen session, skipping a
 * forced password change, reading /docs and the platform's parts anonymously, and NUL in filters.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createApiDeps } from '../../api/deps';
import { PER_ACCOUNT, PER_ADDRESS } from '../../api/services/auth/login-throttle';
import { hashSessionToken } from '../../api/services/auth/session-tokens';
import { insertSession } from '../../db/queries/sessions';
import { testConfig, uniqueName } from '../support/services';
import { createAccount, createDepartment, loginOver, type TestAccount } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client, fieldsOf } from './support/http';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi({ TRUST_PROXY: '1' }); // x-forwarded-for names the caller's address
});
afterAll(async () => api?.close());

/** An address of its own per test, so the per-address counts of tests never meet. */
function freshAddress(): string {
  const byte = () => Math.floor(Math.random() * 250) + 1;
  return `10.${byte()}.${byte()}.${byte()}`;
}

function login(username: string, password: string, address: string) {
  return fetch(`${api.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
}

async function statusesOf(responses: Response[]): Promise<number[]> {
  await Promise.all(responses.map((r) => r.arrayBuffer()));
  return responses.map((r) => r.status);
}

describe('login limits', () => {
  it('counts each guess before checking it: of 30 parallel guesses from one address, only the free ones and one more are checked', async () => {
    const victim = await createAccount(api.deps.database.db, 'leader');
    const address = freshAddress();
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 20 ? victim.password : `wrong-guess-${i}`));
    const answers = await Promise.all(guesses.map((password) => login(victim.username, password, address)));
    const statuses = await statusesOf(answers);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(PER_ACCOUNT.freeFailures + 1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30 - PER_ACCOUNT.freeFailures - 1);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('slows guesses with a delay that doubles (Retry-After, bilingual), and the right password waits too', async () => {
    const victim = await createAccount(api.deps.database.db, 'supervisor');
    const address = freshAddress();
    for (let i = 0; i <= PER_ACCOUNT.freeFailures; i++) expect((await login(victim.username, 'wrong-guess', address)).status).toBe(401);
    const first = await login(victim.username, victim.password, address);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toMatchObject({
      error: { code: 'rate_limited', details: { retryAfterSeconds: 1, messageZh: expect.stringContaining('秒后再试') } },
    });
    await sleep(1100);
    expect((await login(victim.username, 'wrong-guess', address)).status).toBe(401);
    const second = await login(victim.username, 'wrong-guess', address);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');
    await sleep(2100);
    expect((await login(victim.username, victim.password, address)).status).toBe(200);
  });

  it('nobody can lock out someone else: after a stream of bad guesses at the admin, the admin signs in from another address', async () => {
    const admin = await createAccount(api.deps.database.db, 'admin');
    const attacker = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(admin.username, `guess-${i}`, attacker)).status);
    expect(statuses.slice(0, PER_ACCOUNT.freeFailures + 1).every((s) => s === 401)).toBe(true);
    // Past the free failures the attacker is slowed (429); one whose delay ran out while the loaded
    // machine checked the previous guess is checked again (401), never let in.
    const later = statuses.slice(PER_ACCOUNT.freeFailures + 1);
    expect(later).toContain(429);
    expect(later.every((s) => s === 429 || s === 401)).toBe(true);
    // Twelve more from twelve other addresses: the old per-username lock needed only ten.
    for (let i = 0; i < 12; i++) expect((await login(admin.username, `guess-${i}`, freshAddress())).status).toBe(401);
    expect((await login(admin.username, admin.password, freshAddress())).status).toBe(200);
  });

  it('limits one address spraying many usernames, after more free failures than one account gets', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS.freeFailures + 2; i++) statuses.push((await login(uniqueName('spray'), 'wrong-guess', address)).status);
    expect(statuses.slice(0, PER_ADDRESS.freeFailures + 1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('refuses a username holding NUL with 400 naming the field, anonymously, before counting anything', async () => {
    const answer = await client(api.baseUrl).post('/api/auth/login', { username: 'adm\u0000in', password: 'whatever-1' });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)).toEqual(['body.username']);
  });
});

describe('POST /api/me/password', () => {
  it('throttles guessing the current password like a login', async () => {
    const user = await createAccount(api.deps.database.db, 'department', { departmentId: (await createDepartment(api.deps.database.db)).id });
    const session = await loginOver(api.baseUrl, user, { 'x-forwarded-for': freshAddress() });
    const me = client(api.baseUrl, session.token);
    const address = { 'x-forwarded-for': freshAddress() };
    for (let i = 0; i <= PER_ACCOUNT.freeFailures; i++) {
      expect((await me.post('/api/me/password', { current: `guess-${i}-xx`, next: 'a-new-password-1' }, address)).status).toBe(422);
    }
    const refused = await me.post('/api/me/password', { current: user.password, next: 'a-new-password-1' }, address);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited', details: { messageZh: expect.any(String) } } });
    // The same user from another address is held too: the count is per user as well.
    expect((await me.post('/api/me/password', { current: 'guess-x-xx', next: 'a-new-password-1' }, { 'x-forwarded-for': freshAddress() })).status).toBe(429);
    await sleep(1100);
    expect((await me.post('/api/me/password', { current: user.password, next: 'a-new-password-1' }, address)).status).toBe(200);
  });
});

describe('forced password change', () => {
  it('holds an admin-set password to /api/me, /api/me/password and logout until it is changed', async () => {
    const user = await createAccount(api.deps.database.db, 'supervisor', { mustChangePassword: true });
    const signedIn = await loginOver(api.baseUrl, user, { 'x-forwarded-for': freshAddress() });
    expect(signedIn.body.user).toMatchObject({ mustChangePassword: true });
    const me = client(api.baseUrl, signedIn.token);
    expect((await me.get('/api/me')).status).toBe(200);
    for (const path of ['/api/items', '/api/me/work', '/api/departments', '/api/inbox']) {
      const held = await me.get(path);
      expect(held.status, path).toBe(403);
      expect(held.body, path).toMatchObject({ error: { code: 'password_change_required', details: { messageZh: expect.any(String) } } });
    }
    expect((await me.post('/api/items', {})).body).toMatchObject({ error: { code: 'password_change_required' } });
    expect((await me.get('/api/health')).status).toBe(200); // public routes stay public

    const other = await loginOver(api.baseUrl, user, { 'x-forwarded-for': freshAddress() });
    expect((await client(api.baseUrl, other.token).post('/api/auth/logout')).status).toBe(204);
    const changed = await me.post('/api/me/password', { current: user.password, next: 'a-new-password-1' });
    expect(changed.status).toBe(200);
    expect((await client(api.baseUrl, changed.body.token).get('/api/items')).status).toBe(200);
  });
});

describe('session cookie', () => {
  it('is Secure over a direct TLS connection, and not when an untrusted caller only claims https', async () => {
    const plain = await startApi(); // TRUST_PROXY off
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    try {
      const account = await createAccount(plain.deps.database.db, 'auditor');
      const spoofed = await loginOver(plain.baseUrl, account, { 'x-forwarded-proto': 'https' });
      expect(spoofed.setCookie).not.toMatch(/;\s*Secure/i);

      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) =>
        plain.app.routing(req, res),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const setCookie = await new Promise<string>((resolve, reject) => {
          const body = JSON.stringify({ username: account.username, password: account.password });
          const port = (server.address() as { port: number }).port;
          const req = httpsRequest({ host: '127.0.0.1', port, path: '/api/auth/login', method: 'POST', rejectUnauthorized: false,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.headers['set-cookie'] ?? '')));
          });
          req.on('error', reject);
          req.end(body);
        });
        expect(setCookie).toMatch(/^sv_session=.*;\s*Secure/i);
      } finally {
        server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await plain.close();
    }
  });
});

describe('/docs and /api/health for anonymous callers', () => {
  it('closes /docs to anonymous callers when DOCS_ANONYMOUS=0; signed-in users still read them', async () => {
    expect((await fetch(`${api.baseUrl}/docs/json`)).status).toBe(200); // the default keeps them open
    const closed = await startApi({ DOCS_ANONYMOUS: '0' });
    try {
      const account = await createAccount(closed.deps.database.db, 'department', { departmentId: (await createDepartment(closed.deps.database.db)).id });
      const session = await loginOver(closed.baseUrl, account);
      for (const path of ['/docs', '/docs/json']) {
        const anonymous = await fetch(`${closed.baseUrl}${path}`);
        expect(anonymous.status, path).toBe(401);
        expect(await anonymous.text(), path).not.toContain('/api/items');
        expect((await fetch(`${closed.baseUrl}${path}`, { headers: { cookie: session.cookie } })).status, path).toBe(200);
      }
      expect(((await (await fetch(`${closed.baseUrl}/docs/json`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { paths: object }).paths).toHaveProperty('/api/health');
    } finally {
      await closed.close();
    }
  });

  it('tells anonymous callers only up or down; a signed-in user sees each part, an admin also why', async () => {
    const deps = await createApiDeps(testConfig({ REDIS_URL: 'redis://127.0.0.1:1' }));
    const app = await buildApp(deps, { logger: false });
    try {
      const bearerFor = async (role: 'admin' | 'auditor') => {
        const account: TestAccount = await createAccount(deps.database.db, role);
        const token = `health-${uniqueName(role)}`;
        await insertSession(deps.database.db, { tokenHash: hashSessionToken(token), userId: account.id, expiresAt: new Date(Date.now() + 3_600_000), ip: null, userAgent: null });
        return { authorization: `Bearer ${token}` };
      };
      const anonymous = await app.inject({ url: '/api/health' });
      expect(anonymous.statusCode).toBe(503);
      expect(anonymous.json()).toEqual({ status: 'unavailable' });
      const auditor = await app.inject({ url: '/api/health', headers: await bearerFor('auditor') });
      expect(auditor.json()).toEqual({ status: 'unavailable', temporal: 'ok', database: 'ok', redis: 'unavailable', failing: ['redis'] });
      const admin = await app.inject({ url: '/api/health', headers: await bearerFor('admin') });
      expect(admin.json().redis).toMatch(/^unavailable: .+/);
    } finally {
      await app.close();
      await deps.close();
    }
  });
});

describe('NUL in filters and ids answers 400 naming the field, not 500', () => {
  it.each([
    ['/api/items?q=%00', 'querystring.q'],
    ['/api/users?q=a%00b', 'querystring.q'],
    ['/api/departments?q=%00', 'querystring.q'],
    ['/api/audit-log?actor=%00', 'querystring.actor'],
    ['/api/audit-log?action=POST%00', 'querystring.action'],
    ['/api/tasks/%00/read-receipts', 'params.id'],
  ])('GET %s', async (path, field) => {
    const admin = await createAccount(api.deps.database.db, 'admin');
    const session = await loginOver(api.baseUrl, admin, { 'x-forwarded-for': freshAddress() });
    const answer = await client(api.baseUrl, session.token).get(path);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'validation_failed', details: { messageZh: expect.any(String) } } });
    expect(fieldsOf(answer)).toEqual([field]);
  });
});
