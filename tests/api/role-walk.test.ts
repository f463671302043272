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
import { expectationFor, type Expectation } from './support/access-table';
import { startApi, type RunningApi } from './support/api-server';

let api: RunningApi;
const accounts = new Map<Role, TestAccount>();
const tokens = new Map<Role, string>();
// Every request of this file from its own address, so login rate limits of other files never meet it.
const address = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

beforeAll(async () => {
  api = await startApi();
  const db = api.deps.database.db;
  const department = await createDepartment(db);
  for (const role of roles) {
    const account = await createAccount(db, role, { departmentId: role === 'department' ? department.id : null });
    accounts.set(role, account);
    tokens.set(role, (await loginOver(api.baseUrl, account, { 'x-forwarded-for': address })).token);
  }
});
afterAll(async () => api?.close());

function concretePath(url: string): string {
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

async function call(route: RouteEntry, caller: Caller, expectation: Expectation): Promise<number> {
  let token = caller === 'anonymous' ? undefined : tokens.get(caller);
  if (token && expectation.endsSession) token = (await loginOver(api.baseUrl, accounts.get(caller as Role)!, { 'x-forwarded-for': address })).token;
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  const response = await fetch(`${api.baseUrl}${concretePath(route.url)}`, {
    method: route.method,
    headers: {
      'x-forwarded-for': address,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    body: hasBody ? '{}' : undefined,
  });
  await response.arrayBuffer();
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
});
