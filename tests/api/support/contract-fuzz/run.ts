/**
 * The contract fuzzer: reads the OpenAPI document the running API serves, draws cases for every
 * operation (requests.ts), sends them one at a time as every seeded role (bearer or cookie + CSRF),
 * a department user of another department, or nobody, and checks each answer:
 * - no 5xx;
 * - a refusal has the `{error: {code, message}}` shape, and a 400/422 names the field (in both
 *   languages);
 * - a refused write left no trace (traces.ts): no row, no Temporal workflow or history event, no
 *   audit row other than the one recording its refusal.
 *
 * Used by tests/api/contract-fuzz.test.ts (CI-sized) and bench/fuzz.ts (the full run).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import fc from 'fast-check';
import type { Sql } from 'postgres';
import type { Database } from '../../../../db/client';
import { roles, type Role } from '../../../../db/schema/org';
import { itemWorkflowId, taskWorkflowId } from '../../../../workflows/ids';
import { expectationFor } from '../access-table';
import { createAccount, createDepartment, loginOver, type TestAccount } from '../accounts';
import { REF, bodyFor, operationsOf, pathValueFor, queryFor, type Body, type Operation } from './requests';
import { timings, tracesOf, type Snapshot } from './traces';

/** Who sends a case: a role (the department role: of department A), department B's staff, or nobody. */
type CallerName = Role | 'department-b' | 'anonymous';
interface Caller {
  name: CallerName;
  via: 'bearer' | 'cookie';
}

interface Case {
  operation: Operation;
  caller: Caller;
  path: Record<string, string>;
  query: [string, string][];
  body: Body;
}

export interface Finding {
  kind: '5xx' | 'trace' | 'shape' | 'unnamed field';
  route: string;
  status: number;
  detail: string;
  request: string;
}

export interface RouteFigures {
  cases: number;
  ok: number;
  refused: number;
  failed: number;
  traces: number;
}

export interface FuzzWorld {
  baseUrl: string;
  db: Database;
  sql: Sql;
  temporal: Client;
  taskQueue: string;
}

interface Session {
  account: TestAccount;
  token: string;
  cookie: string;
  csrfToken: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD';
/** Each request from an address of its own, so the per-address limits (behind TRUST_PROXY) don't turn the walk into 429s. */
const someAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

export interface FuzzRun {
  figures: Map<string, RouteFigures>;
  findings: Finding[];
  unconfirmed: string[];
  cases: number;
  seed: number;
}

/**
 * Seeds the world (departments A and B, an account per role, items with tasks in both
 * departments), then sends `cases` cases spread over every operation of /docs/json.
 */
export async function runContractFuzz(world: FuzzWorld, options: { cases: number; seed?: number; log?: (line: string) => void; stopAt?: number }): Promise<FuzzRun> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const log = options.log ?? (() => {});
  const { db, baseUrl } = world;

  // --- the world ---
  const [deptA, deptB] = [await createDepartment(db), await createDepartment(db)];
  const sessions = new Map<CallerName, Session>();
  async function logIn(name: CallerName, account: TestAccount) {
    const login = await loginOver(baseUrl, account, { 'x-forwarded-for': someAddress() });
    sessions.set(name, { account, token: login.token, cookie: login.cookie, csrfToken: login.csrfToken });
  }
  for (const role of roles) await logIn(role, await createAccount(db, role, { departmentId: role === 'department' ? deptA.id : null }));
  await logIn('department-b', await createAccount(db, 'department', { departmentId: deptB.id }));
  // Accounts the cases may name (issuer, assignee, the user to edit), never the callers themselves:
  // a case that disables or demotes its own caller would end the walk.
  const spare = {
    leader: await createAccount(db, 'leader'),
    staffA: await createAccount(db, 'department', { departmentId: deptA.id }),
    staffB: await createAccount(db, 'department', { departmentId: deptB.id }),
    supervisor: await createAccount(db, 'supervisor'),
  };

  const ids = new Map<string, Set<string>>();
  const remember = (pool: string, id: string) => (ids.get(pool) ?? ids.set(pool, new Set()).get(pool)!).add(id);
  remember('departments', deptA.id);
  remember('departments', deptB.id);
  for (const account of Object.values(spare)) remember('users', account.id);

  const supervisor = sessions.get('supervisor')!;
  async function launch(tasks: { departmentId: string; role: 'lead' | 'assist' }[]) {
    const response = await fetch(`${baseUrl}/api/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${supervisor.token}`, 'x-forwarded-for': someAddress() },
      body: JSON.stringify({ kind: 'routine', title: `模糊测试 ${randomUUID().slice(0, 6)}`, issuedBy: spare.leader.id, dueAt: new Date(Date.now() + 20 * 86_400_000).toISOString(), tasks }),
    });
    if (response.status !== 201) throw new Error(`seeding an item answered ${response.status}: ${await response.text()}`);
    const item = (await response.json()) as { id: string; tasks: { id: string }[] };
    remember('items', item.id);
    for (const task of item.tasks) remember('tasks', task.id);
    return item;
  }
  const fixtures = [
    await launch([{ departmentId: deptA.id, role: 'lead' }, { departmentId: deptB.id, role: 'assist' }]),
    await launch([{ departmentId: deptB.id, role: 'lead' }]),
  ];
  const itemOfTask = new Map(fixtures.flatMap((item) => item.tasks.map((t) => [t.id, item.id] as const)));

  // --- the contract ---
  const docs = await fetch(`${baseUrl}/docs/json`, { headers: { authorization: `Bearer ${supervisor.token}` } });
  if (docs.status !== 200) throw new Error(`/docs/json answered ${docs.status}`);
  const operations = operationsOf((await docs.json()) as Parameters<typeof operationsOf>[0]);
  log(`contract: ${operations.length} operations; seed ${seed}`);

  const callerNames: CallerName[] = [...roles, 'department-b', 'anonymous'];
  function callerFor(operation: Operation): fc.Arbitrary<Caller> {
    const who = expectationFor(operation.method, operation.route)?.who;
    const allowed = Array.isArray(who) ? (who as CallerName[]) : who === 'user' ? [...roles] : ['anonymous' as const];
    // Mostly a caller who may call, so the case gets past authorisation to validation and services.
    return fc.record({
      name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...allowed, ...(allowed.includes('department') ? ['department-b' as const] : [])) }, { weight: 1, arbitrary: fc.constantFrom(...callerNames) }),
      via: fc.constantFrom('bearer' as const, 'bearer' as const, 'cookie' as const),
    });
  }
  const caseOf = (operation: Operation): fc.Arbitrary<Case> =>
    fc.record({
      operation: fc.constant(operation),
      caller: callerFor(operation),
      path: fc.record(Object.fromEntries(operation.params.filter((p) => p.in === 'path').map((p) => [p.name, pathValueFor(p)]))) as fc.Arbitrary<Record<string, string>>,
      query: queryFor(operation.params),
      body: isWrite(operation.method) ? bodyFor(operation.body) : fc.constant({ kind: 'none' as const }),
    });
  // Writes get three times the attention of reads; every operation gets at least a few cases.
  const weightOf = (op: Operation) => (isWrite(op.method) ? 3 : 1);
  const totalWeight = operations.reduce((n, op) => n + weightOf(op), 0);
  const planned: Case[] = [];
  operations.forEach((operation, i) => {
    const count = Math.max(3, Math.round((options.cases * weightOf(operation)) / totalWeight));
    planned.push(...fc.sample(caseOf(operation), { numRuns: count, seed: seed + i }));
  });
  // Interleaved, so that what one route creates is there for the next.
  const order = fc.sample(fc.shuffledSubarray(planned.map((_, i) => i), { minLength: planned.length }), { numRuns: 1, seed })[0]!;

  // --- resolving references to the world's ids ---
  function poolFor(route: string, name: string): string[] {
    const fromRoute = route.split('/')[2] ?? '';
    const byName: Record<string, string> = {
      departmentId: 'departments',
      parentId: 'departments',
      issuedBy: 'users',
      leaderUserId: 'users',
      userId: 'users',
      itemId: 'items',
      taskId: 'tasks',
      suggestedDepartmentId: 'departments',
      targetItemId: 'items',
    };
    const pool = name.startsWith('path:')
      ? name === 'path:itemId'
        ? 'items'
        : name === 'path:webhookId'
          ? 'webhooks'
          : fromRoute
      : (byName[name] ?? (name.endsWith('DepartmentId') ? 'departments' : name.endsWith('ItemId') ? 'items' : 'users'));
    return [...(ids.get(pool) ?? [])];
  }
  function resolve(value: unknown, route: string): unknown {
    if (typeof value === 'string' && value.startsWith(REF)) {
      const rest = value.slice(REF.length);
      const cut = rest.lastIndexOf(':');
      const pick = rest.slice(cut + 1);
      const pool = poolFor(route, rest.slice(0, cut));
      return pool.length === 0 ? randomUUID() : pool[Number(pick) % pool.length];
    }
    if (Array.isArray(value)) return value.map((v) => resolve(v, route));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, route)]));
    return value;
  }
  /**
   * Remembers what a case created (a 201's `id`, an item's task ids), never ids read from lists or
   * answers: CI shares one database between test files, and a case must not disable another file's
   * user or cancel its item.
   */
  function learn(route: string, body: unknown) {
    const created = body as { id?: unknown; tasks?: { id?: unknown }[] } | null;
    if (typeof created?.id === 'string' && UUID.test(created.id)) remember(route.includes('/webhooks') ? 'webhooks' : (route.split('/')[2] ?? 'other'), created.id);
    if (Array.isArray(created?.tasks)) for (const t of created.tasks) if (typeof t?.id === 'string' && UUID.test(t.id)) remember('tasks', t.id);
  }

  // --- the walk ---
  const traces = await tracesOf(world.sql, world.temporal, world.taskQueue);
  const figures = new Map<string, RouteFigures>();
  const findings: Finding[] = [];
  let previousWasApplied = true;
  let lastSnapshot: Snapshot | null = null;
  let requestMs = 0;
  /** Differences seen once but not on a replay: background work, reported but not counted. */
  const unconfirmed: string[] = [];

  let sent = 0;
  for (const [n, index] of order.entries()) {
    // A run with a time limit stops where it is and reports the cases sent.
    if (options.stopAt !== undefined && Date.now() > options.stopAt) break;
    sent += 1;
    const c = planned[index]!;
    const { operation } = c;
    const routeKey = `${operation.method} ${operation.path}`;
    let url = operation.path;
    const pathValues: Record<string, string> = {};
    for (const [name, raw] of Object.entries(c.path)) {
      const value = String(resolve(raw, operation.route));
      pathValues[name] = value;
      url = url.replace(`{${name}}`, raw.startsWith(REF) ? encodeURIComponent(value) : value);
    }
    const query = new URLSearchParams(c.query.map(([k, v]) => [k, String(resolve(v, operation.route))])).toString();
    if (query) url += `?${query}`;

    const headers: Record<string, string> = { 'x-forwarded-for': someAddress() };
    const session = c.caller.name === 'anonymous' ? null : sessions.get(c.caller.name)!;
    if (session && c.caller.via === 'bearer') headers.authorization = `Bearer ${session.token}`;
    if (session && c.caller.via === 'cookie') Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
    let payload: string | undefined;
    if (c.body.kind === 'json') {
      payload = JSON.stringify(resolve(c.body.value, operation.route)) ?? 'null';
      headers['content-type'] = 'application/json';
    } else if (c.body.kind === 'raw') {
      payload = c.body.text;
      headers['content-type'] = c.body.contentType;
    }
    const write = isWrite(operation.method);
    // A fresh Idempotency-Key per send, so that a replay (below) is not answered from the store.
    const send = async () => {
      const sent = write ? { ...headers, 'idempotency-key': randomUUID() } : headers;
      try {
        const response = await fetch(`${baseUrl}${url}`, { method: operation.method, headers: sent, body: payload, redirect: 'manual' });
        return { status: response.status, text: await response.text() };
      } catch (error) {
        return { status: 599, text: `no answer: ${String(error)}` };
      }
    };

    // The workflows this case aims at: the item or task its path names (and, for a seeded task, its item).
    const watch: string[] = [];
    const target = pathValues.id ?? pathValues.itemId;
    if (target && UUID.test(target) && /^\/api\/(items|tasks|admin)/.test(operation.path)) {
      if (operation.path.startsWith('/api/tasks')) watch.push(taskWorkflowId(target), ...(itemOfTask.has(target) ? [itemWorkflowId(itemOfTask.get(target)!)] : []));
      else watch.push(itemWorkflowId(target));
    }

    // After an applied write, wait until its effects (projections, follow-up activities) settle, so they are not blamed on this case.
    // A refused write's own snapshot after serves as the next one's before (background work between is caught by the replay below).
    const before = write
      ? previousWasApplied
        ? await settled(traces.snapshot, watch)
        : lastSnapshot
          ? { ...lastSnapshot, histories: await traces.histories(watch) }
          : await traces.snapshot(watch)
      : null;
    lastSnapshot = null;
    const t0 = performance.now();
    const { status, text } = await send();
    requestMs += performance.now() - t0;
    const figure = figures.get(routeKey) ?? figures.set(routeKey, { cases: 0, ok: 0, refused: 0, failed: 0, traces: 0 }).get(routeKey)!;
    figure.cases += 1;
    const request = `${operation.method} ${url.slice(0, 300)} as ${c.caller.name}/${c.caller.via}${payload === undefined ? '' : ` body ${payload.slice(0, 400)}`}`;
    const finding = (kind: Finding['kind'], detail: string) => findings.push({ kind, route: routeKey, status, detail, request });

    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (a file, the docs' HTML)
    }
    if (status >= 500) {
      figure.failed += 1;
      finding('5xx', text.slice(0, 300));
    } else if (status >= 400) {
      figure.refused += 1;
      const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: { fields?: { field?: unknown; messageZh?: unknown }[] } } } | null)?.error;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string') finding('shape', text.slice(0, 300));
      else if ((status === 400 || status === 422) && !(error.details?.fields?.[0] && typeof error.details.fields[0].field === 'string' && typeof error.details.fields[0].messageZh === 'string'))
        finding('unnamed field', text.slice(0, 300));
    } else figure.ok += 1;

    previousWasApplied = write && status < 400;
    if (write && status >= 400 && before) {
      const after = await traces.snapshot(watch);
      lastSnapshot = after;
      const left = await traces.differences(before, after, status);
      if (left.length > 0) {
        // Background work of an earlier applied write (a calendar fan-out, a projection) may land at the
        // same moment: replay the case on a settled world, and count it only if it leaves a trace again.
        const quiet = await settled(traces.snapshot, watch);
        const again = await send();
        const leftAgain = again.status >= 400 ? await traces.differences(quiet, await traces.snapshot(watch), again.status) : [];
        if (leftAgain.length > 0) {
          figure.traces += 1;
          finding('trace', leftAgain.join('; '));
        } else unconfirmed.push(`${request}: ${left.join('; ')} (replay: ${again.status})`);
        previousWasApplied = true;
        lastSnapshot = null;
      }
    }

    if (status === 201 && parsed) learn(operation.path, parsed);
    // A logout ends the caller's session: log in again.
    if (status < 300 && session && operation.path === '/api/auth/logout') await logIn(c.caller.name, session.account);
    if ((n + 1) % 100 === 0)
      log(`  ${n + 1}/${order.length} cases, ${findings.length} findings; requests ${(requestMs / 1000).toFixed(0)} s, ${timings.snapshots} snapshots ${(timings.snapshotMs / 1000).toFixed(0)} s`);
  }
  return { figures, findings, unconfirmed, cases: sent, seed };
}

/** A snapshot taken once two in a row agree (at most ~3 s), after something was applied. */
async function settled(snapshot: (watch: string[]) => Promise<Snapshot>, watch: string[]): Promise<Snapshot> {
  let previous = await snapshot(watch);
  for (let i = 0; i < 40; i++) {
    await sleep(60);
    const next = await snapshot(watch);
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
  return previous;
}

/** The per-route table: cases, 2xx, 4xx, 5xx, traces left. */
export function figuresTable(run: FuzzRun): string {
  const rows = [...run.figures].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([route]) => route.length), 5);
  const line = (route: string, f: RouteFigures) =>
    `${route.padEnd(width)} ${String(f.cases).padStart(6)} ${String(f.ok).padStart(6)} ${String(f.refused).padStart(6)} ${String(f.failed).padStart(5)} ${String(f.traces).padStart(7)}`;
  const total = rows.reduce((t, [, f]) => ({ cases: t.cases + f.cases, ok: t.ok + f.ok, refused: t.refused + f.refused, failed: t.failed + f.failed, traces: t.traces + f.traces }), { cases: 0, ok: 0, refused: 0, failed: 0, traces: 0 });
  return [`${'route'.padEnd(width)}  cases    2xx    4xx   5xx  traces`, ...rows.map(([route, f]) => line(route, f)), line('total', total)].join('\n');
}
