/**
 * Property: random and hostile bodies, headers, ids and callers thrown at EVERY write route the app
 * registered (routes added later are included automatically) never get a 5xx, always get the
 * `{error: {code, message}}` shape when refused, and a refused request changes no row. Every read
 * route gets hostile ids and query strings, and never answers a 5xx either.
 *
 * Runs against a database of its own so that whole-table row counts mean something (other test
 * files write to the shared test database concurrently).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate';
import { roles, type Role } from '../../db/schema/org';
import type { RouteEntry } from '../../api/plugins/auth';
import { defaultTemplates } from '../../db/queries/template-defaults';
import { databaseOfItsOwn } from '../support/services';
import { createAccount, createDepartment, loginOver, type TestAccount } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';

const databaseUrl = databaseOfItsOwn('supervision_fuzz');
// Rows these tables gain are bookkeeping of the request itself, not a write of the refused action.
const BOOKKEEPING = new Set(['audit_log', 'idempotency_keys']);

let api: RunningApi;
let countRows: () => Promise<Record<string, number>>;
/** Plausible bodies (and ids) of our own routes, which the property corrupts field by field to get past validation. */
let seeds: Record<string, { body: Record<string, unknown>; ids: string[] }> = {};
const accounts = new Map<Role, TestAccount>();
const tokens = new Map<Role, string>();
const sessions = new Map<Role, { cookie: string; csrfToken: string }>();
const address = `10.88.${Math.floor(Math.random() * 250)}.1`;

beforeAll(async () => {
  await runMigrations(databaseUrl);
  // Behind a trusted proxy: the random x-forwarded-for addresses keep logins under the per-address limit.
  api = await startApi({ DATABASE_URL: databaseUrl, TRUST_PROXY: '1' });
  const db = api.deps.database.db;
  const department = await createDepartment(db);
  for (const role of roles) {
    const account = await createAccount(db, role, { departmentId: role === 'department' ? department.id : null });
    accounts.set(role, account);
    const login = await loginOver(api.baseUrl, account, { 'x-forwarded-for': address });
    tokens.set(role, login.token);
    sessions.set(role, { cookie: login.cookie, csrfToken: login.csrfToken });
  }
  const spareDepartment = await createDepartment(db);
  const spareUser = await createAccount(db, 'supervisor');
  seeds = {
    'POST /api/auth/login': { body: { username: spareUser.username, password: 'wrong-password' }, ids: [] },
    'POST /api/departments': { body: { name: 'x', nameEn: 'X', parentId: department.id, leaderUserId: spareUser.id }, ids: [] },
    'PATCH /api/departments/:id': { body: { name: 'y', parentId: department.id, leaderUserId: spareUser.id }, ids: [spareDepartment.id] },
    'POST /api/users': {
      body: { username: 'fuzzed.user', displayName: 'F', role: 'department', departmentId: department.id, password: 'long-enough-1' },
      ids: [],
    },
    'PATCH /api/users/:id': {
      body: { displayName: 'F', role: 'supervisor', departmentId: department.id, disabled: false },
      ids: [spareUser.id],
    },
    'PUT /api/calendar/:year': { body: { overrides: [{ date: '2097-01-05', kind: 'holiday', note: 'n' }] }, ids: ['2097'] },
    'PUT /api/templates/:kind': { body: { ...defaultTemplates.routine }, ids: ['routine'] },
    'POST /api/me/password': { body: { current: 'wrong-password', next: 'long-enough-2' }, ids: [] },
    // A launch that passes validation, so corrupting one field reaches the deadline and calendar code.
    'POST /api/items': {
      body: {
        kind: 'routine',
        title: '模糊测试事项',
        issuedBy: accounts.get('leader')!.id,
        dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        tasks: [{ departmentId: department.id, role: 'lead' }],
      },
      ids: [],
    },
  };
  const sql = api.deps.database.sql;
  const tables = (
    await sql<
      { name: string }[]
    >`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
  )
    .map((t) => t.name)
    .filter((name) => !BOOKKEEPING.has(name));
  const query = `select ${tables.map((t) => `(select count(*)::int from "${t}") as "${t}"`).join(', ')}`;
  countRows = async () => (await sql.unsafe(query))[0] as Record<string, number>;
});

afterAll(async () => {
  await api?.close();
});

const FIELD_NAMES = [
  'name',
  'nameEn',
  'parentId',
  'leaderUserId',
  'username',
  'displayName',
  'password',
  'role',
  'departmentId',
  'disabled',
  'current',
  'next',
  'overrides',
  'date',
  'kind',
  'note',
  'defaultDeadline',
  'warnBefore',
  'signWithin',
  'completionFields',
  'title',
  'description',
  'issuedBy',
  'dueAt',
  'dueInWorkingDays',
  'tasks',
  'public',
  'reason',
  'newDueAt',
  'text',
  'percent',
  'summary',
  'fields',
  'decision',
  'comment',
  'approve',
  'message',
  'type',
  'suggestedDepartmentId',
];

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    "'; drop table users; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '\u0000',
    'null',
    '-1',
    '1e309',
    'P-1D',
    'PT0S',
    '2026-02-30T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '__proto__',
    'constructor',
    'a\u0000b',
    '\u0007',
    '\u001b[31m',
    // Past years once reached the calendar builder as an inverted year range (a 500).
    '2025-06-30T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '2000-02-29T23:59:59+08:00',
  ),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.anything({ maxDepth: 3 }),
);
const fieldyObject = fc.dictionary(fc.constantFrom(...FIELD_NAMES), hostileValue, { maxKeys: 8 });
const body = fc.oneof(
  fc.record({
    kind: fc.constant('json' as const),
    value: fc.oneof(fieldyObject, fc.anything({ maxDepth: 4 }), fc.array(fieldyObject, { maxLength: 3 })),
  }),
  fc.record({
    kind: fc.constant('raw' as const),
    value: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '{"a":', '[]', 'null', '""', '{"__proto__":{"x":1}}', '{"name":"\\ud800"}'),
    ),
  }),
  fc.constant({ kind: 'none' as const, value: undefined }),
);
/** A seed with some fields replaced by hostile values and some removed. */
function corrupted(seed: Record<string, unknown>) {
  const keys = Object.keys(seed);
  return fc
    .record({ replace: fc.dictionary(fc.constantFrom(...keys), hostileValue, { maxKeys: 2 }), drop: fc.subarray(keys, { maxLength: 1 }) })
    .map(({ replace, drop }) => ({
      kind: 'json' as const,
      value: Object.fromEntries(Object.entries({ ...seed, ...replace }).filter(([k]) => !drop.includes(k))),
    }));
}

const id = fc.oneof(
  fc.uuid(),
  hostileString.filter((s) => s.length > 0 && s.length < 400),
  fc.integer().map(String),
);
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
// Mostly logged-in callers with the right to try, so bodies get past authorization to validation and services.
const caller = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<string>(...roles) },
  { weight: 2, arbitrary: fc.constantFrom<string>(...roles.map((r) => `cookie:${r}`)) },
  { weight: 1, arbitrary: fc.constantFrom<string>('anonymous', 'forged', ...roles.map((r) => `cookie-no-csrf:${r}`)) },
);
const extras = fc.record(
  {
    // Mostly well-formed (so requests reach the handlers), sometimes hostile.
    idempotencyKey: fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 1, arbitrary: headerText }),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json',
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'multipart/form-data; boundary=x',
      'application/xml',
    ),
    forwardedFor: fc.oneof(fc.ipV4(), headerText),
    csrf: headerText,
  },
  { requiredKeys: [] },
);

function concretePath(url: string, ids: string[]): string {
  let i = 0;
  return url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(ids[i++ % ids.length]!)).replace(/\*$/, 'x');
}

function authHeaders(who: string): Record<string, string> {
  if (who === 'anonymous') return {};
  if (who === 'forged') return { authorization: `Bearer ${randomUUID()}` };
  const [mode, role] = who.includes(':') ? (who.split(':') as [string, Role]) : ['bearer', who as Role];
  if (mode === 'bearer') return { authorization: `Bearer ${tokens.get(role)}` };
  const session = sessions.get(role)!;
  return mode === 'cookie' ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : { cookie: session.cookie };
}

async function relogin(role: Role) {
  // From an address of its own: the fuzzed login calls may have used up this file's address.
  const login = await loginOver(api.baseUrl, accounts.get(role)!, {
    'x-forwarded-for': `10.89.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  });
  tokens.set(role, login.token);
  sessions.set(role, { cookie: login.cookie, csrfToken: login.csrfToken });
}

function bodyFor(route: RouteEntry) {
  const seed = seeds[`${route.method} ${route.url}`];
  return seed ? fc.oneof({ weight: 2, arbitrary: corrupted(seed.body) }, { weight: 1, arbitrary: body }) : body;
}

function idsFor(route: RouteEntry) {
  const random = fc.array(id, { minLength: 1, maxLength: 2 });
  const seed = seeds[`${route.method} ${route.url}`];
  return seed && seed.ids.length > 0 ? fc.oneof(fc.constant(seed.ids), random) : random;
}

describe('hostile input at every write route', () => {
  it('never answers 5xx, refuses in the error shape, and a refused request writes nothing', async () => {
    const writes: RouteEntry[] = api.app.routeTable.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    expect(writes.length).toBeGreaterThan(8);
    const seen = new Map<string, Set<number>>();

    for (const route of writes) {
      await fc.assert(
        fc.asyncProperty(bodyFor(route), idsFor(route), caller, extras, async (input, ids, who, extra) => {
          const headers: Record<string, string> = { 'x-forwarded-for': extra.forwardedFor ?? address, ...authHeaders(who) };
          if (extra.idempotencyKey !== undefined) headers['idempotency-key'] = extra.idempotencyKey;
          if (extra.csrf !== undefined && who.startsWith('cookie-no-csrf')) headers['x-csrf-token'] = extra.csrf;
          if (input.kind !== 'none') headers['content-type'] = extra.contentType ?? 'application/json';
          const payload = input.kind === 'json' ? (JSON.stringify(input.value) ?? 'null') : input.kind === 'raw' ? input.value : undefined;

          const before = await countRows();
          const response = await fetch(`${api.baseUrl}${concretePath(route.url, ids)}`, { method: route.method, headers, body: payload });
          const text = await response.text();
          const after = await countRows();
          const label = `${route.method} ${route.url} as ${who}: ${response.status} ${text.slice(0, 300)}`;
          seen.set(`${route.method} ${route.url}`, (seen.get(`${route.method} ${route.url}`) ?? new Set()).add(response.status));

          expect(response.status, label).toBeLessThan(500);
          if (response.status >= 400) {
            expect(after, `partial write by a refused request: ${label}`).toEqual(before);
            if (route.url.startsWith('/api/'))
              expect(JSON.parse(text), label).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
          }
          // A logout (or a password change) by a walk caller ends its session: log in again.
          if (response.status < 300 && /logout|password/.test(route.url) && who !== 'anonymous' && who !== 'forged') {
            await relogin((who.includes(':') ? who.split(':')[1] : who) as Role);
          }
        }),
        // Our own routes get the most attention; Bull Board's are checked more lightly.
        { numRuns: route.url.startsWith('/api/') ? 30 : 5 },
      );
    }
    if (process.env.FUZZ_REPORT)
      console.log([...seen].map(([route, statuses]) => `${route}: ${[...statuses].sort().join(' ')}`).join('\n'));
    // Every write route was actually tried.
    expect(writes.filter((r) => !seen.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  }, 300_000);
});

const QUERY_NAMES = [
  'page',
  'pageSize',
  'q',
  'status',
  'light',
  'kind',
  'role',
  'departmentId',
  'departmentIds',
  'issuedBy',
  'asOf',
  'from',
  'to',
  'days',
  'metric',
  'dateField',
  'granularity',
  'factor',
  'unread',
  'format',
  'sort',
];
const queryString = fc
  .dictionary(fc.constantFrom(...QUERY_NAMES), fc.oneof(hostileString, fc.integer().map(String)), { maxKeys: 5 })
  .map((q) => new URLSearchParams(q).toString());

describe('hostile ids and query strings at every read route', () => {
  it('never answers 5xx', async () => {
    // Streams answer 200 and stay open: their own tests cover them.
    const reads: RouteEntry[] = api.app.routeTable.filter((r) => r.method === 'GET' && r.url !== '/api/events');
    expect(reads.length).toBeGreaterThan(20);
    for (const route of reads) {
      await fc.assert(
        fc.asyncProperty(idsFor(route), queryString, caller, async (ids, query, who) => {
          const response = await fetch(`${api.baseUrl}${concretePath(route.url, ids)}?${query}`, {
            headers: { 'x-forwarded-for': address, ...authHeaders(who) },
            // A redirect is an answer (< 500); Swagger UI's static index redirects to itself when given a query.
            redirect: 'manual',
          });
          const text = await response.text();
          expect(response.status, `GET ${route.url}?${query} as ${who}: ${response.status} ${text.slice(0, 300)}`).toBeLessThan(500);
        }),
        { numRuns: route.url.startsWith('/api/') || route.url.startsWith('/public/') ? 12 : 3 },
      );
    }
  }, 300_000);
});
