/**
 * Issue 20, security review: sessions as an attacker would try them. A cookie planted before login
 * is never adopted (fixation), the session cookie's flags, a fresh session at every login and at a
 * password change (a token stolen before the change is then worth nothing), and logout ending the
 * session on the server, not only in the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';

let api: RunningApi;
const address = () => `10.31.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

beforeAll(async () => {
  api = await startApi({ TRUST_PROXY: '1' });
});
afterAll(async () => api?.close());

const meWith = (headers: Record<string, string>) => fetch(`${api.baseUrl}/api/me`, { headers });
const attributesOf = (setCookie: string) => setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

describe('session cookie flags', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, with an expiry; Secure behind a trusted proxy that says https, not over plain http', async () => {
    const account = await createAccount(api.deps.database.db, 'auditor');
    const plain = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    expect(plain.setCookie).toMatch(/^sv_session=[A-Za-z0-9_-]{40,};/);
    expect(attributesOf(plain.setCookie)).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(attributesOf(plain.setCookie).some((a) => a.startsWith('expires='))).toBe(true);
    expect(attributesOf(plain.setCookie)).not.toContain('secure');

    const tls = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address(), 'x-forwarded-proto': 'https' });
    expect(attributesOf(tls.setCookie)).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
  });

  it('never carries the token in the answer to /api/me (only the CSRF token, which is not the session)', async () => {
    const account = await createAccount(api.deps.database.db, 'auditor');
    const session = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    const text = await (await meWith({ cookie: session.cookie })).text();
    expect(text).not.toContain(session.token);
    expect(session.csrfToken).not.toBe(session.token);
  });
});

describe('session fixation', () => {
  it('ignores a planted cookie at login: the victim gets a new token, and the planted value authenticates nobody', async () => {
    const victim = await createAccount(api.deps.database.db, 'supervisor');
    const planted = 'attacker-chosen-session-value-0123456789abcdef';
    const login = await fetch(`${api.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `sv_session=${planted}`, 'x-forwarded-for': address() },
      body: JSON.stringify({ username: victim.username, password: victim.password }),
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { token: string };
    expect(body.token).not.toBe(planted);
    expect(login.headers.get('set-cookie')).toContain(`sv_session=${body.token};`);
    expect((await meWith({ cookie: `sv_session=${planted}` })).status).toBe(401);
  });

  it("does not upgrade the attacker's own session planted in the victim's browser: it stays the attacker's", async () => {
    const attacker = await createAccount(api.deps.database.db, 'auditor');
    const victim = await createAccount(api.deps.database.db, 'admin');
    const attackers = await loginOver(api.baseUrl, attacker, { 'x-forwarded-for': address() });
    const login = await fetch(`${api.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: attackers.cookie, 'x-forwarded-for': address() },
      body: JSON.stringify({ username: victim.username, password: victim.password }),
    });
    expect(login.status).toBe(200);
    const victims = (await login.json()) as { token: string };
    expect(victims.token).not.toBe(attackers.token);
    const stillAttacker = (await (await meWith({ cookie: attackers.cookie })).json()) as { user: { id: string } };
    expect(stillAttacker.user.id).toBe(attacker.id);
  });

  it('gives every login its own token and CSRF token', async () => {
    const account = await createAccount(api.deps.database.db, 'leader');
    const first = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    const second = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    expect(second.token).not.toBe(first.token);
    expect(second.csrfToken).not.toBe(first.csrfToken);
  });
});

describe('password change rotates the session', () => {
  it('ends the session it was made in (a stolen copy dies), answers a new cookie and CSRF token that work', async () => {
    const account = await createAccount(api.deps.database.db, 'supervisor');
    const session = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    const stolen = session.cookie; // what an attacker copied before the change
    const changed = await fetch(`${api.baseUrl}/api/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'x-forwarded-for': address() },
      body: JSON.stringify({ current: account.password, next: 'a-fresh-password-42' }),
    });
    expect(changed.status).toBe(200);
    const next = (await changed.json()) as { token: string; csrfToken: string; user: { id: string; mustChangePassword: boolean } };
    expect(next.user).toMatchObject({ id: account.id, mustChangePassword: false });
    const setCookie = changed.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^sv_session=${next.token};`));
    expect(attributesOf(setCookie)).toEqual(expect.arrayContaining(['httponly', 'samesite=lax']));
    expect(next.token).not.toBe(session.token);
    expect(next.csrfToken).not.toBe(session.csrfToken);

    expect((await meWith({ cookie: stolen })).status).toBe(401);
    expect((await meWith({ authorization: `Bearer ${session.token}` })).status).toBe(401);
    const fresh = `sv_session=${next.token}`;
    expect((await meWith({ cookie: fresh })).status).toBe(200);
    // The new CSRF token goes with the new cookie; the old one no longer does.
    const write = (csrf: string) =>
      fetch(`${api.baseUrl}/api/me/notification-preferences`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie: fresh, 'x-csrf-token': csrf },
        body: JSON.stringify({}),
      });
    expect(((await (await write(session.csrfToken)).json()) as { error?: { code: string } }).error?.code).toBe('csrf_failed');
    expect(((await (await write(next.csrfToken)).json()) as { error?: { code: string } }).error?.code).not.toBe('csrf_failed');
  });

  it('keeps neither the passwords nor the new token for idempotent replays', async () => {
    const account = await createAccount(api.deps.database.db, 'auditor');
    const session = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    const changed = await fetch(`${api.baseUrl}/api/me/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'idempotency-key': `pw-${account.id}` },
      body: JSON.stringify({ current: account.password, next: 'another-password-77' }),
    });
    expect(changed.status).toBe(200);
    const { token } = (await changed.json()) as { token: string };
    const stored = await api.deps.database.sql`select response_body, request_fingerprint from idempotency_keys where user_id = ${account.id}`;
    expect(stored).toEqual([]);
    expect(JSON.stringify(stored)).not.toContain(token);
  });
});

describe('logout', () => {
  it('ends the session on the server: the same cookie or bearer token replayed afterwards is refused', async () => {
    const account = await createAccount(api.deps.database.db, 'leader');
    const session = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    const out = await fetch(`${api.baseUrl}/api/auth/logout`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^sv_session=;/);
    // The browser forgets the cookie; an attacker who copied it replays it anyway.
    expect((await meWith({ cookie: session.cookie })).status).toBe(401);
    expect((await meWith({ authorization: `Bearer ${session.token}` })).status).toBe(401);
    const [row] = await api.deps.database.sql`select count(*)::int as n from sessions where user_id = ${account.id}`;
    expect(row!.n).toBe(0);
  });

  it('is a write like any other: a cross-site logout without the CSRF token leaves the session alive', async () => {
    const account = await createAccount(api.deps.database.db, 'leader');
    const session = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address() });
    const out = await fetch(`${api.baseUrl}/api/auth/logout`, { method: 'POST', headers: { cookie: session.cookie } });
    expect(out.status).toBe(403);
    expect((await meWith({ cookie: session.cookie })).status).toBe(200);
  });
});
