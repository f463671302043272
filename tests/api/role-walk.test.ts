/**
 * Walks EVERY route the app registered (including routes added later by anyone) with every role
 * and no login, and checks each answer against the one access table (support/access-table.ts):
 * allowed (anything but 401/403 and never 5xx), 401 without login, 403 for a wrong role, or 404
 * where existence must not leak. Authorization runs before body validation, so an empty body
 * still tells allowed (400) from forbidden (403).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../db/schema/org';
import type { RouteEntry } from '../../api/plugins/auth';
import { createAccount, createDepartment, loginOver, type TestAccount } from './support/accounts';
import { A_MARKS, departmentMayCall, expectationFor, foreignDepartmentFilters, isolatedByDepartment, WELL_FORMED_BODIES, type Expectation } from './support/access-table';
import { startTestWorker } from '../support/temporal';
import { startApi, type RunningApi } from './support/api-server';

let api: RunningApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
/** A real item whose one task belongs to the walk's department (A). */
let realItem: { id: string; taskId: string };
/** Department staff of another department (B). */
let outsiderToken: string;
let outsiderDepartmentId: string;
/** An item A and B share: A (the walk's department) has reported on its task, B has not. */
let sharedItem: { id: string; taskId: string };
const accounts = new Map<Role, TestAccount>();
const tokens = new Map<Role, string>();
// Every request of this file from its own address, so login rate limits of other files never meet it.
const address = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

beforeAll(async () => {
  // Behind a trusted proxy: each caller logs in from an address of its own (x-forwarded-for).
  api = await startApi({ TRUST_PROXY: '1' });
  const { config, database, queues } = api.deps;
  worker = await startTestWorker(config, { config, db: database.db, queues });
  const db = database.db;
  const department = await createDepartment(db);
  for (const role of roles) {
    const account = await createAccount(db, role, { departmentId: role === 'department' ? department.id : null });
    accounts.set(role, account);
    tokens.set(role, (await loginOver(api.baseUrl, account, { 'x-forwarded-for': address })).token);
  }
  outsiderDepartmentId = (await createDepartment(db)).id;
  const outsider = await createAccount(db, 'department', { departmentId: outsiderDepartmentId });
  outsiderToken = (await loginOver(api.baseUrl, outsider, { 'x-forwarded-for': address })).token;

  realItem = await launchForWalk([{ departmentId: department.id, role: 'lead' }]);
  sharedItem = await launchForWalk([
    { departmentId: department.id, role: 'lead' },
    { departmentId: outsiderDepartmentId, role: 'assist' },
  ]);
  await reportAsDepartmentA(sharedItem.taskId);
});

async function send(role: Role, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens.get(role)}`, 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Launches an item for the walk; its first task is the one walked. */
async function launchForWalk(tasks: { departmentId: string; role: 'lead' | 'assist' }[]) {
  const launched = await send('supervisor', 'POST', '/api/items', {
    kind: 'leadership_instruction',
    title: '角色巡检事项',
    description: 'role walk',
    source: 'role walk',
    issuedBy: accounts.get('leader')!.id,
    dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    tasks,
  });
  if (launched.status !== 201) throw new Error(`launch for the role walk: ${launched.status} ${JSON.stringify(launched.body)}`);
  return { id: launched.body.id as string, taskId: (launched.body.tasks as { id: string }[])[0]!.id };
}

/** Department A signs, reports and submits its completion, each text carrying a mark B must never read. */
async function reportAsDepartmentA(taskId: string) {
  const steps: [string, unknown][] = [
    ['sign', {}],
    ['progress', { text: A_MARKS.progress, percent: 50 }],
    ['complete', { summary: A_MARKS.summary, fields: { result: A_MARKS.field } }],
  ];
  for (const [action, body] of steps) {
    const answer = await send('department', 'POST', `/api/tasks/${taskId}/${action}`, body);
    if (answer.status !== 200) throw new Error(`${action} for the role walk: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}
afterAll(async () => {
  await api?.close();
  await worker?.shutdown();
});

function concretePath(url: string, real: boolean | { id: string; taskId: string } = false): string {
  const on = real === true ? realItem : real;
  if (on) url = url.replace(/^\/api\/items\/:id/, `/api/items/${on.id}`).replace(/^\/api\/tasks\/:id/, `/api/tasks/${on.taskId}`);
  return url
    .replace(/:kind\b/g, 'routine')
    .replace(/:year\b/g, '2097')
    .replace(/:[A-Za-z]+/g, () => randomUUID())
    .replace(/\*$/, 'walk');
}

type Caller = Role | 'anonymous';

function verdict(expectation: Expectation, caller: Caller, status: number): string | null {
  if (status >= 500) return `answered ${status}`;
  if (expectation.who === 'service') return status === 401 ? null : `expected 401 (signed by a service account only), got ${status}`;
  const allowed =
    expectation.who === 'public' || (caller !== 'anonymous' && (expectation.who === 'user' || expectation.who.includes(caller)));
  if (allowed) return status === 401 || status === 403 ? `expected allowed, got ${status}` : null;
  if (caller === 'anonymous') return status === 401 ? null : `expected 401, got ${status}`;
  const refusal = expectation.notFoundFor?.includes(caller) ? 404 : 403;
  return status === refusal ? null : `expected ${refusal}, got ${status}`;
}

async function call(route: RouteEntry, caller: Caller | 'outsider', expectation: Expectation, real: boolean | { id: string; taskId: string } = false): Promise<number> {
  return (await fetchAs(route, caller, expectation, real)).status;
}

async function fetchAs(route: RouteEntry, caller: Caller | 'outsider', expectation: Expectation, real: boolean | { id: string; taskId: string } = false) {
  let token = caller === 'anonymous' ? undefined : caller === 'outsider' ? outsiderToken : tokens.get(caller);
  if (token && expectation.endsSession) token = (await loginOver(api.baseUrl, accounts.get(caller as Role)!, { 'x-forwarded-for': address })).token;
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  const response = await fetch(`${api.baseUrl}${concretePath(route.url, real)}`, {
    method: route.method,
    headers: {
      'x-forwarded-for': address,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    // Department B's staff send a well-formed request: what they get must not depend on the body.
    body: hasBody ? JSON.stringify((caller === 'outsider' && WELL_FORMED_BODIES[`${route.method} ${route.url}`]) || {}) : undefined,
  });
  if (expectation.stream) {
    await response.body?.cancel();
    return { status: response.status, text: '' };
  }
  return { status: response.status, text: await response.text() };
}

async function inBatches<T>(work: (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < work.length; i += size) results.push(...(await Promise.all(work.slice(i, i + size).map((w) => w()))));
  return results;
}

describe('role walk over every registered route', () => {
  it('has an expectation for every route', () => {
    const missing = api.app.routeTable
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .filter((r) => !expectationFor(r.method, r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(missing, 'add these routes to tests/api/support/access-table.ts').toEqual([]);
  });

  // About 1,400 requests (every route × seven callers): more than the default 90 s on a loaded machine.
  it('answers every route, for every role and without login, as the access table says', { timeout: 240_000 }, async () => {
    const routes = api.app.routeTable.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && expectationFor(r.method, r.url));
    expect(routes.length).toBeGreaterThan(15);
    const callers: Caller[] = ['anonymous', ...roles];
    const work = routes.flatMap((route) =>
      callers.map((caller) => async () => {
        const expectation = expectationFor(route.method, route.url)!;
        const status = await call(route, caller, expectation);
        const problem = verdict(expectation, caller, status);
        return problem ? `${route.method} ${route.url} as ${caller}: ${problem}` : null;
      }),
    );
    const problems = (await inBatches(work, 6)).filter((p): p is string => p !== null);
    expect(problems).toEqual([]);
  });

  it("answers every route on a real item of department A as the table says, and 404 to department B's staff", async () => {
    const routes = api.app.routeTable.filter((r) => isolatedByDepartment(r.url) && r.method !== 'HEAD' && expectationFor(r.method, r.url));
    expect(routes.length).toBeGreaterThan(3);
    const work = routes.flatMap((route) =>
      (['anonymous', ...roles, 'outsider'] as const).map((caller) => async () => {
        const expectation = expectationFor(route.method, route.url)!;
        const status = await call(route, caller, expectation, true);
        let problem: string | null;
        if (caller === 'outsider') {
          const expected = departmentMayCall(expectation) ? 404 : 403;
          problem = status === expected ? null : `expected ${expected}, got ${status}`;
        } else {
          problem = verdict(expectation, caller, status);
        }
        return problem ? `${route.method} ${route.url} (real item) as ${caller}: ${problem}` : null;
      }),
    );
    const problems = (await inBatches(work, 4)).filter((p): p is string => p !== null);
    expect(problems).toEqual([]);
  });
});

describe("an item departments A and B share: B's staff see A's status and light, never its reports", () => {
  const marksIn = (text: string) => Object.values(A_MARKS).filter((mark) => text.includes(mark));

  it("answers every read route B may call without A's progress, summary or form fields", async () => {
    const reads = api.app.routeTable.filter((r) => r.method === 'GET' && r.url.startsWith('/api/') && expectationFor(r.method, r.url));
    const work = reads
      .filter((route) => departmentMayCall(expectationFor(route.method, route.url)!) && !expectationFor(route.method, route.url)!.stream)
      .map((route) => async () => {
        const answer = await fetchAs(route, 'outsider', expectationFor(route.method, route.url)!, sharedItem);
        if (answer.status >= 500) return `GET ${route.url} (shared item) as B: answered ${answer.status}`;
        const leaked = marksIn(answer.text);
        return leaked.length ? `GET ${route.url} (shared item) as B: shows ${leaked.join(', ')}` : null;
      });
    expect(work.length).toBeGreaterThan(5);
    expect((await inBatches(work, 4)).filter((p): p is string => p !== null)).toEqual([]);
  });

  it("lists A in the item's departments with its status and light, and none of its task's records", async () => {
    const seen = await fetch(`${api.baseUrl}/api/items/${sharedItem.id}`, { headers: { authorization: `Bearer ${outsiderToken}`, 'x-forwarded-for': address } });
    const body = (await seen.json()) as { tasks: { departmentId: string }[]; departments: Record<string, unknown>[]; timeline: { taskId: string | null }[] };
    expect(seen.status).toBe(200);
    expect(body.tasks.map((t) => t.departmentId)).toEqual([outsiderDepartmentId]);
    expect(body.departments.find((d) => d.taskId === sharedItem.taskId)).toEqual({
      taskId: sharedItem.taskId,
      departmentId: accounts.get('department')!.departmentId,
      role: 'lead',
      status: 'submitted',
      light: expect.any(String),
    });
    expect(body.timeline.filter((e) => e.taskId === sharedItem.taskId)).toEqual([]);
  });

  it("finds nothing of A's through filters naming A (departmentIds, metric)", async () => {
    const problems: string[] = [];
    for (const query of foreignDepartmentFilters(accounts.get('department')!.departmentId!)) {
      const seen = await fetch(`${api.baseUrl}/api/items?${query}&pageSize=200`, { headers: { authorization: `Bearer ${outsiderToken}`, 'x-forwarded-for': address } });
      const body = (await seen.json()) as { items?: { id: string }[] };
      if (seen.status !== 200) problems.push(`${query}: ${seen.status}`);
      else if (body.items!.some((i) => i.id === sharedItem.id)) problems.push(`${query}: lists the shared item`);
    }
    expect(problems).toEqual([]);
  });
});
