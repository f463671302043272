/**
 * Issue 20, security review: IDOR on every id-taking route, for every role. The id-taking routes come
 * from the OpenAPI document (/docs/json): a route added later must either get a record of its kind
 * here (OWNED_BY_A) or be named where its isolation is tested (ISOLATED_ELSEWHERE); otherwise the
 * first test fails and names it. Each record belongs to department A (or to one user of it), and every
 * other caller that has no business with it — department B's staff, and for a user's own records
 * every other role — gets 404 (as if it did not exist) or 403, never the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../db/schema/org';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';
import { departmentMayCall, expectationFor, WELL_FORMED_BODIES } from './support/access-table';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let operator: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let auditorA: LoggedIn;
const others = new Map<Role, LoggedIn>();
/** Department A's records (and auditor A's export), by kind. */
const records: Record<string, string> = {};
const SECRET_TITLE = `甲局机密事项-${Math.random().toString(36).slice(2, 8)}`;

/** Params that name no record of anyone's (a year, a template kind, a source's name). */
const NOT_RECORD_IDS = new Set(['year', 'kind', 'source', 'version']);

/** Which record a route's leading id is, by path prefix. */
const OWNED_BY_A: [prefix: string, record: string][] = [
  ['/api/items/:id', 'item'],
  ['/api/tasks/:id', 'task'],
  ['/api/attachments/:id', 'attachment'],
  ['/api/appeals/:id', 'appeal'],
  ['/api/exports/:id', 'export'],
];

/** Id-taking routes department staff may call whose isolation another file tests. */
const ISOLATED_ELSEWHERE: Record<string, string> = {
  'POST /api/inbox/:id/read': "tests/integration/notifications/inbox-api.test.ts (another user's notification: 404)",
  'GET /public/appeals/:queryCode': 'tests/api/appeals.test.ts (the citizen’s unguessable query code)',
};

beforeAll(async () => {
  h = await startApiHarness();
  const [a, b] = await Promise.all([h.createDepartment('越权甲局'), h.createDepartment('越权乙局')]);
  [supervisor, leader, operator, staffA, staffB, auditorA] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('operator'),
    h.createUser('department', a.id, 'staffA'),
    h.createUser('department', b.id, 'staffB'),
    h.createUser('auditor', null, 'auditorA'),
  ]);
  for (const role of roles) others.set(role, role === 'department' ? staffB : await h.createUser(role, null, `other-${role}`));

  const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: a.id, role: 'lead' }], { title: SECRET_TITLE }));
  expect(launched.status).toBe(201);
  records.item = launched.body.id;
  records.task = launched.body.tasks[0].id;

  const form = new FormData();
  form.append('file', new Blob(['甲局证据材料'], { type: 'text/plain' }), '证据.txt');
  const uploaded = await fetch(`${h.baseUrl}/api/attachments?taskId=${records.task}`, { method: 'POST', headers: { authorization: `Bearer ${staffA.token}` }, body: form });
  expect(uploaded.status).toBe(201);
  records.attachment = ((await uploaded.json()) as { id: string }).id;

  const appeal = await operator.post('/api/appeals', { text: '甲局的诉求', phone: '13800138000', channel: 'hotline' });
  expect(appeal.status).toBe(201);
  records.appeal = appeal.body.id;
  expect((await operator.post(`/api/appeals/${records.appeal}/dispatch`, { departmentId: a.id })).status).toBe(200);

  const exported = await auditorA.post('/api/exports', { type: 'volume', from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' });
  expect(exported.status).toBe(202);
  records.export = exported.body.id;
}, 120_000);
afterAll(async () => {
  await h?.deps.queues.exports.obliterate({ force: true }).catch(() => {});
  await h?.close();
});

interface Route {
  method: string;
  url: string;
}

async function idTakingRoutes(): Promise<Route[]> {
  const document = (await (await fetch(`${h.baseUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, operations]) => {
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (!params.some((p) => !NOT_RECORD_IDS.has(p))) return [];
    const url = path.replace(/\{([^}]+)\}/g, ':$1');
    return Object.keys(operations)
      .map((m) => m.toUpperCase())
      .filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m))
      .map((method) => ({ method, url }));
  });
}

const recordOf = (url: string) => OWNED_BY_A.find(([prefix]) => url === prefix || url.startsWith(`${prefix}/`))?.[1];

async function callAs(user: LoggedIn, route: Route) {
  const record = recordOf(route.url)!;
  const path = route.url.replace(/^\/api\/[a-z]+\/:id/, (m) => m.replace(':id', records[record]!));
  const body = ['GET', 'DELETE'].includes(route.method) ? undefined : (WELL_FORMED_BODIES[`${route.method} ${route.url}`] ?? {});
  const response = await fetch(`${h.baseUrl}${path}`, {
    method: route.method,
    headers: { authorization: `Bearer ${user.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: route.url.endsWith('/events') ? '' : await response.text() };
}

describe('IDOR on every id-taking route', () => {
  it('knows every id-taking route department staff may call: a record of its kind here, or where its isolation is tested', async () => {
    const routes = await idTakingRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const unknown = routes
      .filter((r) => departmentMayCall(expectationFor(r.method, r.url) ?? { who: 'user' }))
      .filter((r) => !recordOf(r.url) && !ISOLATED_ELSEWHERE[`${r.method} ${r.url}`])
      .map((r) => `${r.method} ${r.url}`);
    expect(unknown, 'give these routes a record of department A in OWNED_BY_A, or name their test in ISOLATED_ELSEWHERE').toEqual([]);
  });

  it("answers department B's staff 404 or 403 on every route taking one of department A's records, never its content", { timeout: 180_000 }, async () => {
    const routes = (await idTakingRoutes()).filter((r) => recordOf(r.url));
    const problems: string[] = [];
    for (const route of routes) {
      const answer = await callAs(staffB, route);
      if (answer.status !== 404 && answer.status !== 403) problems.push(`${route.method} ${route.url}: ${answer.status}`);
      if (answer.text.includes(SECRET_TITLE) || answer.text.includes('甲局证据材料')) problems.push(`${route.method} ${route.url}: shows A's content`);
    }
    expect(problems).toEqual([]);
  });

  it("answers every other user 404 on auditor A's export and its file, whatever their role", async () => {
    const problems: string[] = [];
    for (const [role, user] of others) {
      for (const path of [`/api/exports/${records.export}`, `/api/exports/${records.export}/file`]) {
        const answer = await user.get(path);
        if (answer.status !== 404) problems.push(`${role} GET ${path}: ${answer.status}`);
      }
    }
    expect(problems).toEqual([]);
    expect((await auditorA.get(`/api/exports/${records.export}`)).status).toBe(200); // the owner still reads it
  });

  it("gives department A's own staff what B is refused (so the refusals above are about ownership)", async () => {
    expect((await staffA.get(`/api/items/${records.item}`)).body.title).toBe(SECRET_TITLE);
    expect((await staffA.get(`/api/attachments/${records.attachment}`)).status).toBe(200);
    expect((await staffA.get(`/api/appeals/${records.appeal}`)).status).toBe(200);
  });
});
