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
import { expectationFor, isolatedByDepartment, WELL_FORMED_BODIES, type Expectation } from './support/access-table';
import { startTestWorker } from '../support/temporal';
import { startApi, type RunningApi } from './support/api-server';

let api: RunningApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
/** A real item whose one task belongs to the walk's department (A). */
let realItem: { id: string; taskId: string };
/** Department staff of another department (B). */
let outsiderToken: string;
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
  const outsider = await createAccount(db, 'department', { departmentId: (await createDepartment(db)).id });
  outsiderToken = (await loginOver(api.baseUrl, outsider, { 'x-forwarded-for': address })).token;

  const launched = await fetch(`${api.baseUrl}/api/items`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.get('supervisor')}`, 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({
      kind: 'leadership_instruction',
      title: '角色巡检事项',
      description: 'role walk',
      source: 'role walk',
      issuedBy: accounts.get('leader')!.id,
      dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      tasks: [{ departmentId: department.id, role: 'lead' }],
    }),
  });
  const body = (await launched.json()) as { id: string; tasks: { id: string }[] };
  if (launched.status !== 201) throw new Error(`launch for the role walk: ${launched.status} ${JSON.stringify(body)}`);
  realItem = { id: body.id, taskId: body.tasks[0]!.id };
});
afterAll(async () => {
  await api?.close();
  await worker?.shutdown();
});

function concretePath(url: string, real = false): string {
  if (real) url = url.replace(/^\/api\/items\/:id/, `/api/items/${realItem.id}`).replace(/^\/api\/tasks\/:id/, `/api/tasks/${realItem.taskId}`);
  return url
    .replace(/:kind\b/g, 'routine')
    .replace(/:year\b/g, '2097')
    .replace(/:[A-Za-z]+/g, () => randomUUID())
    .replace(/\*$/, 'walk');
}

type Caller = Role | 'anonymous';

function verdict(expectation: Expectation, caller: Caller, status: number): string | null {
  if (status >= 500) return `answered ${status}`;
  const allowed =
    expectation.who === 'public' || (caller !== 'anonymous' && (expectation.who === 'user' || expectation.who.includes(caller)));
  if (allowed) return status === 401 || status === 403 ? `expected allowed, got ${status}` : null;
  if (caller === 'anonymous') return status === 401 ? null : `expected 401, got ${status}`;
  const refusal = expectation.notFoundFor?.includes(caller) ? 404 : 403;
  return status === refusal ? null : `expected ${refusal}, got ${status}`;
}

async function call(route: RouteEntry, caller: Caller | 'outsider', expectation: Expectation, real = false): Promise<number> {
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
  if (expectation.stream) await response.body?.cancel();
  else await response.arrayBuffer();
  return response.status;
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

  it('answers every route, for every role and without login, as the access table says', async () => {
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
          const departmentMayCall = expectation.who === 'user' || (expectation.who !== 'public' && expectation.who.includes('department'));
          const expected = departmentMayCall ? 404 : 403;
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
