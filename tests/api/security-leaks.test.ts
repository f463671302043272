/**
 * Issue 20, security review: what failing requests give away, and SQL built from user input.
 * - The app's own pino logs (JSON lines, captured here) and the answers of failing requests never
 *   carry a password, the session secret, a session token, the SMS secret, a service account's HMAC
 *   secret, or another department's item title.
 * - Every free-text query parameter of every GET route in /docs/json, fed SQL injection payloads,
 *   answers without a 5xx and finds nothing it should not (all queries are parameterised; the few
 *   sql.raw uses build only from constants).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createApiDeps, type ApiDeps } from '../../api/deps';
import { testConfig, uniqueName } from '../support/services';
import { startTestWorker } from '../support/temporal';
import { createAccount, createDepartment, loginOver } from './support/accounts';
import { client } from './support/http';

const lines: string[] = [];
let deps: ApiDeps;
let app: Awaited<ReturnType<typeof buildApp>>;
let baseUrl: string;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
const tokens: Record<string, string> = {};
const B_TITLE = `乙局内部事项-${Math.random().toString(36).slice(2, 10)}`;
let bItem: string;
const address = `10.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

beforeAll(async () => {
  deps = await createApiDeps(testConfig({ LOG_LEVEL: 'info', TRUST_PROXY: '1' }));
  app = await buildApp(deps, { logStream: { write: (line: string) => void lines.push(line) } });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  worker = await startTestWorker(deps.config, { config: deps.config, db: deps.database.db, queues: deps.queues });
  const db = deps.database.db;
  const [a, b] = [await createDepartment(db), await createDepartment(db)];
  const accounts = {
    admin: await createAccount(db, 'admin'),
    supervisor: await createAccount(db, 'supervisor'),
    leader: await createAccount(db, 'leader'),
    staffA: await createAccount(db, 'department', { departmentId: a.id }),
  };
  for (const [name, account] of Object.entries(accounts)) tokens[name] = (await loginOver(baseUrl, account, { 'x-forwarded-for': address })).token;
  const launched = await client(baseUrl, tokens.supervisor).post('/api/items', {
    kind: 'leadership_instruction',
    title: B_TITLE,
    description: '只属于乙局',
    source: 'security review',
    issuedBy: accounts.leader.id,
    dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    tasks: [{ departmentId: b.id, role: 'lead' }],
  });
  expect(launched.status).toBe(201);
  bItem = launched.body.id;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await worker?.shutdown();
  await deps?.close();
});

const as = (name: string) => client(baseUrl, tokens[name]);

describe('secrets and other departments’ data in answers and logs', () => {
  it('keeps passwords, secrets, tokens and B’s title out of every answer and log line of failing requests', async () => {
    const secrets: Record<string, string> = {
      'the tried password': `Guess-${uniqueName('pw')}`,
      'the current password tried': `Current-${uniqueName('pw')}`,
      'the new password': `Next-${uniqueName('pw')}`,
      'the SMS secret': `SmsSecret-${uniqueName('sms')}`,
      'the session secret': deps.config.SESSION_SECRET,
      "the admin's session token": tokens.admin!,
      "B's item title": B_TITLE,
    };
    const answers: string[] = [];
    const keep = (answer: { status: number; body: unknown }) => {
      answers.push(JSON.stringify(answer.body));
      return answer.status;
    };
    const start = lines.length;

    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ username: 'no-such-user-x', password: secrets['the tried password'] }),
    });
    answers.push(await login.text());
    expect(login.status).toBe(401);
    expect(keep(await as('admin').post('/api/me/password', { current: secrets['the current password tried'], next: secrets['the new password'] }))).toBe(422);
    // The SMS settings with an internal endpoint: refused, and the secret sent along is not echoed.
    expect(
      keep(await as('admin').put('/api/sms-settings', { enabled: true, endpoint: 'http://127.0.0.1:9/sms', accessKeyId: 'LTAI-test', accessKeySecret: secrets['the SMS secret'], signName: '测试' })),
    ).toBe(400);
    // A service account's HMAC secret: a signal signed with another secret is refused without naming it.
    const source = `sec-${Math.random().toString(36).slice(2, 10)}`;
    expect((await as('admin').put(`/api/intake/sources/${source}`, { name: '安全审查来源', resultUrl: null })).status).toBe(200);
    const created = await as('admin').post('/api/service-accounts', { name: '安全审查', source });
    expect(created.status).toBe(201);
    secrets["the service account's HMAC secret"] = created.body.secret;
    secrets["the service account's API key"] = created.body.apiKey;
    const raw = JSON.stringify({ source, externalId: 'x-1', subject: '测试', riskLevel: 'high', details: {} });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(`${baseUrl}/api/intake/signals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': created.body.apiKey, 'x-timestamp': timestamp, 'x-signature': createHmac('sha256', 'not-the-secret').update(`${timestamp}.${raw}`).digest('hex') },
      body: raw,
    });
    answers.push(await forged.text());
    expect(forged.status).toBe(401);
    // Department A asking for B's item, and filtering for its title, by id and by text.
    expect(keep(await as('staffA').get(`/api/items/${bItem}`))).toBe(404);
    expect(keep(await as('staffA').get(`/api/items/${bItem}/attachments`))).toBe(404);
    expect(keep(await as('staffA').post(`/api/items/${bItem}/cancel`, { reason: 'x' }))).toBe(403);
    const search = await as('staffA').get(`/api/items?q=${encodeURIComponent(B_TITLE)}`);
    expect(search.body.total).toBe(0);
    keep(search);

    await new Promise((resolve) => setTimeout(resolve, 200)); // the last "request completed" lines
    const logged = lines.slice(start).join('\n');
    expect(logged).toContain('"statusCode":401'); // the capture saw these requests
    const leaks = Object.entries(secrets).flatMap(([what, value]) => [
      ...(logged.includes(value) ? [`the logs show ${what}`] : []),
      ...(answers.join('\n').includes(value) ? [`an answer shows ${what}`] : []),
    ]);
    expect(leaks).toEqual([]);
  });
});

describe('SQL built from user input', () => {
  const payloads = ["' OR '1'='1", "1'; DROP TABLE users; --", "%' UNION SELECT password_hash FROM users --", '\\', "$1", '1) OR (1=1', "'||pg_sleep(3)||'"];

  it('answers every free-text query parameter of every GET route, fed injection payloads, without a 5xx or a delay', { timeout: 240_000 }, async () => {
    const document = (await (await fetch(`${baseUrl}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: { type?: string; enum?: unknown[]; format?: string; anyOf?: unknown[] } }[] }>>;
    };
    const cases: { path: string; param: string }[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      if (path.includes('{') || !operations.get || path.includes('events')) continue;
      for (const parameter of operations.get.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.type === 'string' && !parameter.schema.enum && !parameter.schema.format) cases.push({ path, param: parameter.name });
      }
    }
    expect(cases.length).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const { path, param } of cases) {
      for (const payload of payloads) {
        const started = Date.now();
        const answer = await as('admin').get(`${path}?${param}=${encodeURIComponent(payload)}`);
        if (answer.status >= 500) problems.push(`GET ${path}?${param}=${payload}: ${answer.status}`);
        if (Date.now() - started > 2500 && payload.includes('pg_sleep')) problems.push(`GET ${path}?${param}=${payload}: slept`);
      }
    }
    expect(problems).toEqual([]);
    const [users] = await deps.database.sql`select count(*)::int as n from users`;
    expect(users!.n).toBeGreaterThan(0);
  });

  it("finds nothing of B's for department A whatever the text filter says", async () => {
    for (const payload of payloads) {
      const answer = await as('staffA').get(`/api/items?q=${encodeURIComponent(payload)}&pageSize=200`);
      expect(answer.status, payload).toBe(200);
      expect(JSON.stringify(answer.body), payload).not.toContain(B_TITLE);
    }
  });

  it('refuses a sort or filter outside its list (400 naming the field) rather than passing it on', async () => {
    const answer = await as('supervisor').get(`/api/items?status=${encodeURIComponent("open' OR 1=1 --")}`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('querystring.status');
  });
});
