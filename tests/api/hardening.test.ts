import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createApiDeps } from '../../api/deps';
import { testConfig, uniqueName } from '../support/services';
import { createAccount, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';

let api: RunningApi;

beforeAll(async () => {
  api = await startApi({}, (app) => {
    app.get('/api/test/explode', { config: { access: 'public' } }, async () => {
      throw new Error('secret detail at /work/main/db/whatever.ts:12');
    });
  });
});
afterAll(async () => api?.close());

describe('hardening', () => {
  it('sends security headers (helmet)', async () => {
    const response = await fetch(`${api.baseUrl}/api/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toBeTruthy();
  });

  it('answers a server error without its cause or a stack trace', async () => {
    const response = await fetch(`${api.baseUrl}/api/test/explode`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal error; it has been logged.' } });
    expect(text).not.toMatch(/secret|\.ts|at /);
  });

  it('refuses a body over the limit (1 MiB) with 413 in the error shape', async () => {
    const response = await fetch(`${api.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(1_100_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('has CORS off unless CORS_ORIGINS is set', async () => {
    const preflight = (baseUrl: string, origin: string) =>
      fetch(`${baseUrl}/api/me`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    const off = await preflight(api.baseUrl, 'https://evil.example');
    expect(off.headers.get('access-control-allow-origin')).toBeNull();

    const withCors = await startApi({ CORS_ORIGINS: 'https://ok.example, https://also.example' });
    try {
      const allowed = await preflight(withCors.baseUrl, 'https://ok.example');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ok.example');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight(withCors.baseUrl, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});

describe('request logs', () => {
  it('are JSON lines carrying the request id and, once logged in, the user id', async () => {
    const lines: string[] = [];
    const deps = await createApiDeps(testConfig({ LOG_LEVEL: 'info', TRUST_PROXY: '1' }));
    const app = await buildApp(deps, { logStream: { write: (line: string) => void lines.push(line) } });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const account = await createAccount(deps.database.db, 'auditor');
      const { token } = await loginOver(baseUrl, account, { 'x-forwarded-for': '10.55.0.1' });
      const requestId = uniqueName('trace');
      expect((await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId } })).status).toBe(200);
      const entries = lines.map((line) => JSON.parse(line) as { reqId?: string; userId?: string; msg: string; res?: { statusCode: number } });
      const completed = entries.find((e) => e.reqId === requestId && e.msg === 'request completed');
      expect(completed).toMatchObject({ userId: account.id, res: { statusCode: 200 } });
      expect(lines.join('\n')).not.toContain(token); // the bearer token never lands in the logs
    } finally {
      await app.close();
      await deps.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests and refuses new connections once closing', async () => {
    const deps = await createApiDeps(testConfig());
    const app = await buildApp(deps, { logger: false });
    app.get('/api/test/slow', { config: { access: 'public' } }, async () => {
      await sleep(700);
      return { finished: true };
    });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${baseUrl}/api/test/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await sleep(150); // the request is being handled
    const closing = app.close();
    await sleep(50);
    await expect(fetch(`${baseUrl}/api/health`)).rejects.toThrow();
    expect(await inFlight).toEqual({ status: 200, body: { finished: true } });
    // …and the close completes at once, not after the keep-alive timeout of that request's socket.
    const closedAt = Date.now();
    await closing;
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    await deps.close();
  });
});

describe('without a trusted proxy (TRUST_PROXY unset)', () => {
  it('ignores a client-chosen request id and x-forwarded-proto, and answers with its own request id', async () => {
    const deps = await createApiDeps(testConfig());
    const app = await buildApp(deps, { logger: false });
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const account = await createAccount(deps.database.db, 'auditor');
      const session = await loginOver(baseUrl, account, { 'x-forwarded-proto': 'https' });
      expect(session.setCookie).not.toMatch(/;\s*Secure/i);
      const answer = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${session.token}`, 'x-request-id': 'chosen-by-caller' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await app.close();
      await deps.close();
    }
  });
});
