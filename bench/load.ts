/**
 * Load (issue 20): simulated users of every role work through the balancer of the multi-process
 * shape (scripts/cluster.ts: two APIs, two workers, HAProxy, the Temporal dev server with its SQLite
 * file, Postgres, Redis) on a read model preloaded with a province-sized year.
 *
 *   npm run bench:load -- [minutes=10] [users=200] [--fresh]
 *
 * - Preload (bench/load-preload.ts): 100,000 items and 400,000 tasks over the last year in 300
 *   departments, set-based SQL, kept between runs (--fresh regenerates). LOAD_ITEMS changes the size.
 * - Live work through the real API: an item per user (two tasks each) launched, a quarter of their
 *   tasks signed (these are reported on and urged), appeals registered and dispatched; during the run
 *   operators register and dispatch more, departments sign, complete and reply (bench/load-mix.ts).
 * - Users log in on the API processes (sessions live in Postgres, so they hold on both), then
 *   autocannon drives one instance per role, a connection per user thinking LOAD_THINK_SECONDS
 *   (default 10, the README sizing's assumption) on average between an answer and its next request, each
 *   connection from a source address of its own (127.0.x.y), as citizens and staff are.
 * - Baseline, measured in the same run before the load: the same mix with one user per role.
 * - RSS (VmRSS) of every process at the start and the end of the load.
 *
 * Temporal: a dev server of its own on TEST_TEMPORAL_PORT (default 17350) with a fresh SQLite file;
 * database TEST_DATABASE_NAME (default sv_load); the balancer on the next port, the APIs after it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import autocannon, { type Client as AutocannonClient, type Instance } from 'autocannon';
import { hash } from 'argon2';
import { loadConfig } from '../config/env';
import { connectDatabase, type DatabaseHandle } from '../db/client';
import { repoRoot } from '../scripts/dev-settings';
import { startCluster, type Cluster } from '../scripts/cluster';
import { prepareDatabase } from '../scripts/platform-processes';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { startTemporalDevServer } from '../scripts/temporal-server';
import { ensureDepartments, preloadCounts, preloadYear, removeLiveRows } from './load-preload';
import { emptyDeptWork, lastAnswer, registerAppealRequest, dispatchRequest, roleRequests, ROLE_SHARES, ROLES, type Live, type Role, type User } from './load-mix';
import { keepAliveClient, log, login, percentile } from './platform';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const minutes = Number(args[0] ?? 10);
const userCount = Number(args[1] ?? 200);
const fresh = process.argv.includes('--fresh');
const ITEMS = Number(process.env.LOAD_ITEMS ?? 100_000);
const OPEN_ITEMS = Math.round(ITEMS * 0.03);
const DEPARTMENTS = 300;
const BASELINE_SECONDS = Number(process.env.LOAD_BASELINE_SECONDS ?? 30);
const TEMPORAL_PORT = Number(process.env.TEST_TEMPORAL_PORT ?? 17350);
const BALANCER_PORT = TEMPORAL_PORT + 1;
const DATABASE = process.env.TEST_DATABASE_NAME ?? 'sv_load';
const PASSWORD = 'load-bench-password-1';
/** Mean think time of a user between an answer and the next request (README's sizing assumes 10 s). */
const THINK_SECONDS = Number(process.env.LOAD_THINK_SECONDS ?? 10);
const http = keepAliveClient(16);

// ——— every connection from an address of its own (127.0.x.y): the per-address limits count citizens, not the bench ———
let nextAddress = 0;
const plainConnect = net.connect.bind(net) as (...a: unknown[]) => net.Socket;
(net as unknown as { connect: unknown }).connect = (...a: unknown[]) => {
  // autocannon's connect(port, hostname), the port as the URL gave it (a string).
  if (a.length === 2 && typeof a[1] === 'string' && /^\d+$/.test(String(a[0]))) {
    const n = nextAddress++;
    return plainConnect({ port: Number(a[0]), host: a[1], localAddress: `127.0.${1 + Math.floor(n / 250) % 250}.${1 + (n % 250)}` });
  }
  return plainConnect(...a);
};

/**
 * A user thinks between an answer and the next request (uniform in 0.5–1.5 × THINK_SECONDS; the first
 * request after 0–1 × THINK_SECONDS, so users are not in step): a closed loop with think time, as
 * people work. autocannon's own pacing (connectionRate) goes no lower than 1 request a second.
 *
 * One request at a time per user: autocannon also sends one whenever it reconnects, and HAProxy closed
 * a connection idle for 10 s (`timeout http-keep-alive`, 75 s since), which a user thinking 5–15 s often
 * was. Each such close started another chain of requests on the connection, so the users' rate grew until no
 * connection was ever idle (runs 1–3 of 2026-12-03), and the chains' answers were read against each
 * other's requests (the "wrong route" errors). A reconnect now sends nothing while the user thinks or
 * waits; a timed-out request (its connection destroyed) is followed by the next one after a think.
 */
const thinkBetweenRequests = (thinkSeconds: number) => (client: AutocannonClient) => {
  if (thinkSeconds <= 0) return;
  const send = client._doRequest.bind(client);
  let first = true;
  let thinking = false;
  let waiting = false;
  const next = () => {
    if (client.destroyed || thinking || waiting) return;
    thinking = true;
    const ms = thinkSeconds * 1000 * (first ? Math.random() : 0.5 + Math.random());
    first = false;
    setTimeout(() => {
      thinking = false;
      if (client.destroyed) return;
      waiting = true;
      send();
    }, ms);
  };
  const ticker = (client as unknown as { timeoutTicker: { reschedule(ms: number): void }; timeout: number });
  client.on('response', () => {
    waiting = false;
    // autocannon's timeout clock restarts only when it sends: restarted here, it does not run while the user thinks.
    ticker.timeoutTicker.reschedule(ticker.timeout + thinkSeconds * 1500);
  });
  client.on('timeout', () => {
    waiting = false;
    next();
  });
  client._doRequest = next;
};

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

// ——— users ———

function roleCounts(total: number): Record<Role, number> {
  const counts = { supervisor: 0, leader: 0, operator: 0, citizen: 0, department: 0 } as Record<Role, number>;
  for (const [role, share] of Object.entries(ROLE_SHARES)) counts[role as Role] = Math.max(1, Math.round(total * share));
  counts.department = Math.max(2, total - counts.supervisor - counts.leader - counts.operator - counts.citizen);
  return counts;
}

interface Account extends User {
  id: string;
  username: string;
}

/** Stable accounts load-<role>-<n> (created or reset), department users two to a live department. */
async function ensureAccounts(db: DatabaseHandle, counts: Record<Role, number>, departmentIds: string[]): Promise<Account[]> {
  const passwordHash = await hash(PASSWORD);
  const rows: { username: string; role: string; departmentId: string | null }[] = [];
  for (const role of ROLES) {
    if (role === 'citizen') continue;
    for (let i = 0; i < counts[role]; i++) {
      rows.push({ username: `load-${role}-${i + 1}`, role, departmentId: role === 'department' ? departmentIds[Math.floor(i / 2)]! : null });
    }
  }
  const made = await db.sql<{ id: string; username: string; role: Role; department_id: string | null }[]>`
    insert into users (username, display_name, role, department_id, password_hash)
    select r.username, r.username, r.role, r.department_id::uuid, ${passwordHash}
    from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ username: r.username, role: r.role, department_id: r.departmentId })))}::jsonb) as r(username text, role text, department_id text)
    on conflict (username) do update set department_id = excluded.department_id, password_hash = excluded.password_hash, disabled = false, must_change_password = false
    returning id, username, role, department_id`;
  const accounts: Account[] = made.map((r) => ({ id: r.id, username: r.username, role: r.role, departmentId: r.department_id, token: null }));
  for (let i = 0; i < counts.citizen; i++) accounts.push({ id: `citizen-${i}`, username: `citizen-${i}`, role: 'citizen', departmentId: null, token: null });
  return accounts;
}

async function leaderIds(db: DatabaseHandle): Promise<string[]> {
  await db.sql`
    insert into users (username, display_name, role, password_hash)
    select 'load-issuer-' || n, '分管领导' || n, 'leader', 'x' from generate_series(1, 20) n on conflict (username) do nothing`;
  return (await db.sql<{ id: string }[]>`select id from users where username like 'load-issuer-%' order by username`).map((r) => r.id);
}

// ——— HTTP for the setup ———

// The setup reads answers loosely (`item.tasks[0].id`), as tests/support/api-harness.ts does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const answer = await http.call(`http://127.0.0.1:${BALANCER_PORT}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json: unknown = answer.text;
  try {
    json = JSON.parse(answer.text);
  } catch {
    // not JSON
  }
  return { status: answer.status, json };
}

async function must(method: string, path: string, token: string | null, body?: unknown, tries = 10): Promise<Json> {
  for (let i = 1; ; i++) {
    const answer = await call(method, path, token, body);
    if (answer.status >= 200 && answer.status < 300) return answer.json;
    // A task workflow started by its item a moment ago: not there yet.
    if (answer.status === 404 && i < tries) {
      await new Promise((r) => setTimeout(r, 500 * i));
      continue;
    }
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 400)}`);
  }
}

async function inBatches<T>(list: T[], concurrency: number, fn: (t: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < list.length) {
      const i = next++;
      await fn(list[i]!, i);
    }
  }));
}

// ——— live work through the API ———

async function launchLiveWork(db: DatabaseHandle, accounts: Account[], live: Live, liveItems: number) {
  const supervisor = accounts.find((a) => a.role === 'supervisor')!;
  const leader = accounts.find((a) => a.role === 'leader')!;
  const operator = accounts.find((a) => a.role === 'operator')!;
  const deptToken = (id: string) => accounts.find((a) => a.departmentId === id)!.token!;
  const L = live.liveDepartments.length;
  const dueAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const launched: { taskId: string; departmentId: string }[] = [];
  const t0 = Date.now();
  await inBatches(Array.from({ length: liveItems }, (_, i) => i), 6, async (_, i) => {
    const lead = live.liveDepartments[i % L]!;
    const assist = live.liveDepartments[(i + 1) % L]!;
    const item = await must('POST', '/api/items', supervisor.token, {
      kind: 'leadership_instruction',
      title: `负载在办事项 ${i + 1}：推进重点项目建设`,
      description: 'bench/load 的在办事项',
      source: '省政府常务会议纪要〔2026〕12号',
      issuedBy: leader.id,
      dueAt,
      warnBefore: 'P2D',
      signWithin: 'P1D',
      public: i % 5 === 0,
      tasks: lead === assist ? [{ departmentId: lead, role: 'lead' }] : [{ departmentId: lead, role: 'lead' }, { departmentId: assist, role: 'assist' }],
    });
    live.liveItems.push(item.id);
    for (const task of item.tasks as { id: string; departmentId: string }[]) {
      launched.push({ taskId: task.id, departmentId: task.departmentId });
      live.depts.get(task.departmentId)!.liveItems.push(item.id);
    }
  });
  log(`  launched ${liveItems} live items (${launched.length} tasks) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  // A quarter of each department's tasks signed now: reported on and urged during the run, never closed.
  const toSignNow = launched.filter((_, i) => i % 4 === 0);
  await inBatches(toSignNow, 6, async (t) => {
    await must('POST', `/api/tasks/${t.taskId}/sign`, deptToken(t.departmentId), {});
    live.depts.get(t.departmentId)!.toReport.push(t.taskId);
    live.urgeTargets.push(t.taskId);
  });
  for (const [i, t] of launched.entries()) if (i % 4 !== 0) live.depts.get(t.departmentId)!.toSign.push({ taskId: t.taskId, kind: 'item', readyAt: 0 });
  // Appeals: two per live department registered, dispatched and signed (to reply to), and some registered only.
  const appeals = L * 2;
  await inBatches(Array.from({ length: appeals + L }, (_, i) => i), 4, async (_, i) => {
    const registering = registerAppealRequest(live);
    const answer = await must('POST', registering.path, operator.token, registering.body);
    registering.then!(201, JSON.stringify(answer));
    if (i >= appeals) return;
    live.toDispatch.splice(live.toDispatch.indexOf(answer.id), 1);
    const dispatching = dispatchRequest(live, answer.id);
    const dispatched = await must('POST', dispatching.path, operator.token, dispatching.body);
    const work = live.depts.get(dispatched.departmentId)!;
    await must('POST', `/api/tasks/${dispatched.leadTaskId}/sign`, deptToken(dispatched.departmentId), {});
    work.toReply.push({ taskId: dispatched.leadTaskId, kind: 'appeal', readyAt: 0 });
  });
  log(`  ${appeals} appeals dispatched and signed, ${L} registered to dispatch, ${toSignNow.length} tasks signed, in ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
  void db;
}

// ——— checks that the preload reads right through the API ———

async function checkPreload(db: DatabaseHandle, supervisor: Account, live: Live) {
  const [facts] = await db.sql<{ total: number; open: number; red: number }[]>`
    select count(*) filter (where status not in ('transferred','cancelled'))::int as total,
           count(*) filter (where status not in ('accepted','transferred','cancelled'))::int as open,
           count(*) filter (where effective_light(light, yellow_at, red_at, now()) = 'red' and status not in ('accepted','transferred','cancelled'))::int as red
    from tasks where item_launched_at >= ${live.year.from}::timestamptz and item_launched_at < ${live.year.to}::timestamptz`;
  const book = await must('GET', `/api/dashboard?from=${live.year.from}&to=${live.year.to}`, supervisor.token);
  const totals = book.totals as Record<string, number>;
  const open = (await db.sql<{ open: number }[]>`select count(*)::int as open from items where status = 'in_progress'`)[0]!.open;
  const list = await must('GET', '/api/items?status=in_progress&pageSize=20', supervisor.token);
  const lines = [
    `standing book (year): total ${totals.total} (rows: ${facts!.total}), red ${totals.red} (rows: ${facts!.red}), in progress ${totals.inProgress}, completed ${totals.completed}, on-time rate ${totals.onTimeRate}`,
    `open items list: total ${list.total} (rows: ${open}), first page ${list.items.length}`,
  ];
  for (const line of lines) log(`  ${line}`);
  if (totals.total !== facts!.total || list.total !== open) throw new Error('the preload does not read back as written (see above)');
  const page = await must('GET', `/api/items/${live.preloadedItems[0]}`, supervisor.token);
  if (!Array.isArray(page.tasks) || page.tasks.length !== 4) throw new Error(`a preloaded item's page has ${page.tasks?.length} tasks`);
}

// ——— RSS ———

function vmRss(pid: number, field = 'VmRSS'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function pidsWhere(match: (cmdline: string, comm: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (match(cmdline, comm)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

function sampleRss(cluster: Cluster, temporalPid: number | null, redisPort: string): Map<string, { mib: number; count: number }> {
  const out = new Map<string, { mib: number; count: number }>();
  for (const p of [...cluster.apis, ...cluster.workers, cluster.balancer]) out.set(p.name, { mib: p.pid ? vmRss(p.pid) : 0, count: 1 });
  if (temporalPid) out.set('temporal dev server', { mib: vmRss(temporalPid), count: 1 });
  const backends = pidsWhere((cmd) => cmd.startsWith('postgres: ') && cmd.includes(` ${DATABASE} `));
  out.set(`postgres backends (${DATABASE})`, { mib: backends.reduce((n, pid) => n + vmRss(pid), 0), count: backends.length });
  // VmRSS counts the shared buffers a backend has touched (more as it reads more pages); RssAnon is its own memory.
  out.set(`postgres backends (${DATABASE}), private (RssAnon)`, { mib: backends.reduce((n, pid) => n + vmRss(pid, 'RssAnon'), 0), count: backends.length });
  const redis = pidsWhere((cmd, comm) => comm === 'redis-server' && cmd.includes(`:${redisPort}`));
  out.set(`redis-server :${redisPort} (shared)`, { mib: redis.reduce((n, pid) => n + vmRss(pid), 0), count: redis.length });
  return out;
}

// ——— the load ———

const AFTER_TIMEOUT = '(any route: answers on a connection after its client timeout)';

/**
 * After a client timeout autocannon reconnects but keeps the connection's HTTP parser, and answers can
 * then be matched to the wrong request (seen on 2026-12-03 under saturation). From its first timeout on,
 * a connection's answers are counted apart, unattributed, and feed no pool.
 */
function untrustedAfterTimeout(client: AutocannonClient) {
  let timedOut = false;
  client.on('timeout', () => (timedOut = true));
  const iterator = client.requestIterator;
  const record = iterator.recordBody.bind(iterator);
  iterator.recordBody = (request, status, body, headers) => {
    if (!timedOut) return record(request, status, body, headers);
    lastAnswer.label = AFTER_TIMEOUT;
    lastAnswer.status = status;
  };
}

interface RouteFigures {
  latencies: number[];
  errors: number;
  statuses: Map<number, number>;
  firstError?: string;
}

async function drive(seconds: number, thinkSeconds: number, usersByRole: Map<Role, User[]>, live: Live, perRole: (role: Role) => number) {
  const routes = new Map<string, RouteFigures>();
  const figuresOf = (label: string) => routes.get(label) ?? routes.set(label, { latencies: [], errors: 0, statuses: new Map() }).get(label)!;
  const replaced = new Map<string, number>();
  const instances: { role: Role; instance: Instance; replaced: Map<string, number> }[] = [];
  for (const role of ROLES) {
    const users = usersByRole.get(role)!;
    const connections = perRole(role);
    const { requests, replaced: roleReplaced } = roleRequests(role, users, live, (label, status, body) => {
      const f = figuresOf(label);
      f.statuses.set(status, (f.statuses.get(status) ?? 0) + 1);
      if (status < 200 || status >= 300) {
        f.errors += 1;
        f.firstError ??= `${status} ${body.slice(0, 300)}`;
      }
    });
    const instance = autocannon({
      url: `http://127.0.0.1:${BALANCER_PORT}`,
      connections,
      duration: seconds,
      // A request unanswered for 30 s counts as a timeout (the clock is held while the user thinks).
      timeout: 30,
      requests,
      setupClient: (client) => {
        thinkBetweenRequests(thinkSeconds)(client);
        untrustedAfterTimeout(client);
      },
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      const f = figuresOf(lastAnswer.label);
      f.latencies.push(responseTime);
      if (lastAnswer.label === AFTER_TIMEOUT && (status < 200 || status >= 300)) f.errors += 1;
    });
    instances.push({ role, instance, replaced: roleReplaced });
  }
  const results = await Promise.all(instances.map(async ({ role, instance }) => ({ role, result: await instance })));
  for (const { role, replaced: r } of instances) for (const [name, n] of r) replaced.set(`${role}: ${name}`, n);
  return { routes, replaced, results };
}

function routeTable(title: string, routes: Map<string, RouteFigures>, seconds: number, baseline?: Map<string, RouteFigures>) {
  const rows = [...routes.entries()].sort(([a], [b]) => a.localeCompare(b));
  log(`\n${title}`);
  log(`| route | requests | req/s | p50 ms | p95 ms | p99 ms | errors |${baseline ? ' baseline p50 / p95 ms |' : ''}`);
  log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |${baseline ? ' ---: |' : ''}`);
  let total = 0;
  let errors = 0;
  const all: number[] = [];
  for (const [label, f] of rows) {
    const sorted = [...f.latencies].sort((a, b) => a - b);
    total += f.latencies.length;
    errors += f.errors;
    all.push(...sorted);
    const b = baseline?.get(label);
    const bs = b ? [...b.latencies].sort((x, y) => x - y) : [];
    const base = baseline ? ` ${bs.length ? `${percentile(bs, 50).toFixed(0)} / ${percentile(bs, 95).toFixed(0)}` : '–'} |` : '';
    log(`| ${label} | ${sorted.length} | ${(sorted.length / seconds).toFixed(1)} | ${percentile(sorted, 50).toFixed(0)} | ${percentile(sorted, 95).toFixed(0)} | ${percentile(sorted, 99).toFixed(0)} | ${f.errors} |${base}`);
  }
  all.sort((a, b) => a - b);
  log(`| **all** | ${total} | ${(total / seconds).toFixed(1)} | ${percentile(all, 50).toFixed(0)} | ${percentile(all, 95).toFixed(0)} | ${percentile(all, 99).toFixed(0)} | ${errors} |${baseline ? ' |' : ''}`);
  for (const [label, f] of rows) if (f.firstError) log(`  first error of ${label}: ${f.firstError}`);
  return { total, errors, p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99) };
}

// ——— main ———

async function main() {
  const startedAt = Date.now();
  const step = (text: string) => log(`▸ ${text}  (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);
  const counts = roleCounts(userCount);
  const liveDepartmentCount = Math.ceil(counts.department / 2);
  const liveItems = Math.max(20, userCount);
  log(`bench/load: ${minutes} min, ${userCount} users thinking ${THINK_SECONDS} s on average between requests (${ROLES.map((r) => `${counts[r]} ${r}s`).join(', ')}), ${ITEMS} preloaded items; load average ${loadAverage().join(' ')}`);
  const stateDir = join(repoRoot, '.data', 'bench-load');
  rmSync(join(stateDir, 'temporal.db'), { force: true });
  mkdirSync(stateDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  let cluster: Cluster | null = null;
  try {
    step('Temporal dev server (SQLite file), Postgres, Redis');
    const temporal = await startTemporalDevServer({ port: TEMPORAL_PORT, dbFile: join(stateDir, 'temporal.db'), namespace: 'supervision-load', headless: true, logFile: join(stateDir, 'temporal.log'), log });
    stops.push(() => temporal.stop());
    const [postgres, redis] = await Promise.all([resolvePostgres({ databaseName: DATABASE, log }), resolveRedis(log)]);
    const prefix = `load-${randomUUID().slice(0, 8)}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: prefix,
      QUEUE_PREFIX: prefix,
      SESSION_SECRET: 'load-bench-session-secret-0123456789abcdef',
      DATA_DIR: join(stateDir, 'data'),
      LOG_LEVEL: 'warn',
      SEED_DEMO: '0',
    };
    const config = loadConfig(env);
    await prepareDatabase(config);
    const db = connectDatabase(config.DATABASE_URL, { max: 3 });
    stops.push(() => db.close());

    step('Preload');
    const departmentIds = await ensureDepartments(db.sql, DEPARTMENTS);
    const issuers = await leaderIds(db);
    let preload = await preloadCounts(db.sql);
    if (fresh || preload.items !== ITEMS || preload.tasks !== ITEMS * 4 || preload.departments !== DEPARTMENTS || Math.abs(preload.openItems - OPEN_ITEMS) > OPEN_ITEMS * 0.2) {
      const t0 = Date.now();
      preload = await preloadYear(db.sql, { items: ITEMS, openItems: OPEN_ITEMS, departments: DEPARTMENTS, leaderIds: issuers });
      log(`  wrote ${preload.items} items, ${preload.tasks} tasks, ${preload.events} timeline rows (${preload.openItems} items open) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } else {
      await removeLiveRows(db.sql);
      log(`  reusing ${preload.items} items, ${preload.tasks} tasks, ${preload.events} timeline rows (--fresh to regenerate); earlier runs' live rows removed`);
    }

    step('Accounts; two workers, two APIs and HAProxy');
    const liveDepartments = departmentIds.slice(0, liveDepartmentCount);
    const accounts = await ensureAccounts(db, counts, liveDepartments);
    cluster = await startCluster({ env, balancerPort: BALANCER_PORT, stateDir, onUnexpectedExit: (name, how) => log(`  ✗ ${name} exited (${how})`) });

    step('Logging in (on the API processes, each user from an address of its own)');
    const apis = cluster.apis;
    await inBatches([...accounts.entries()].filter(([, a]) => a.role !== 'citizen'), 4, async ([i, account]) => {
      account.token = await login(http, apis[i % 2]!.url!, account.username, PASSWORD, i);
    });

    const now = Date.now();
    const live: Live = {
      depts: new Map(liveDepartments.map((id) => [id, emptyDeptWork()])),
      liveDepartments,
      preloadedItems: (await db.sql<{ id: string }[]>`select id from items where workflow_id like 'load-item-%' order by random() limit 5000`).map((r) => r.id),
      liveItems: [],
      urgeTargets: [],
      toDispatch: [],
      appeals: [],
      queries: [],
      year: { from: new Date(now - 365 * 86_400_000).toISOString(), to: new Date(now + 86_400_000).toISOString() },
    };
    for (const id of liveDepartments) {
      live.depts.get(id)!.preloadedItems = (await db.sql<{ id: string }[]>`select id from items where department_ids @> array[${id}::uuid] and workflow_id like 'load-item-%' limit 300`).map((r) => r.id);
    }

    step('Checking the preload through the API');
    await checkPreload(db, accounts.find((a) => a.role === 'supervisor')!, live);

    step(`Live work through the API (${liveItems} items)`);
    await launchLiveWork(db, accounts, live, liveItems);

    const usersByRole = new Map(ROLES.map((role) => [role, accounts.filter((a) => a.role === role)]));
    step(`Baseline: the same mix, one user per role working back to back (no think time), ${BASELINE_SECONDS} s`);
    const baseline = await drive(BASELINE_SECONDS, 0, usersByRole, live, () => 1);
    const healthT0 = performance.now();
    for (let i = 0; i < 50; i++) await call('GET', '/api/health', null);
    const healthMs = (performance.now() - healthT0) / 50;

    step(`Load: ${userCount} users for ${minutes} min`);
    const redisPort = new URL(redis.url).port || '6379';
    const rss = () => sampleRss(cluster!, temporal.process?.pid ?? null, redisPort);
    const rssStart = rss();
    // Also once every user is at work (the setup's launches and the baseline's burst are behind).
    const warmSeconds = Math.min(60, minutes * 6);
    let rssWarm = rssStart;
    const warm = setTimeout(() => (rssWarm = rss()), warmSeconds * 1000);
    const loads: number[] = [];
    const sampler = setInterval(() => loads.push(loadAverage()[0]!), 5_000);
    const loadStart = loadAverage();
    const run = await drive(minutes * 60, THINK_SECONDS, usersByRole, live, (role) => counts[role]);
    clearInterval(sampler);
    clearTimeout(warm);
    const loadEnd = loadAverage();
    const rssEnd = rss();

    const base = routeTable(`Baseline: one user per role back to back, ${BASELINE_SECONDS} s (GET /api/health alone, sequential: ${healthMs.toFixed(1)} ms)`, baseline.routes, BASELINE_SECONDS);
    const main = routeTable(`Load: ${userCount} users, ${minutes} min, through HAProxy (baseline: one user per role, same run)`, run.routes, minutes * 60, baseline.routes);
    const autocannonErrors = run.results.reduce((n, r) => n + r.result.errors + r.result.timeouts, 0);
    log(`\nautocannon: ${run.results.map((r) => `${r.role} ${r.result.requests.total} requests, ${r.result.errors} errors, ${r.result.timeouts} timeouts`).join('; ')}`);
    if (run.replaced.size) log(`writes replaced by the role's fallback read (pool empty): ${[...run.replaced.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    log(`load average (1 min) during the load: mean ${(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}; at start ${loadStart.join(' ')}, at end ${loadEnd.join(' ')}`);
    log(`\n| process | RSS at start MiB | at ${warmSeconds} s MiB | at end MiB | end vs start | end vs ${warmSeconds} s |`);
    log('| --- | ---: | ---: | ---: | ---: | ---: |');
    // Judged: no process grows more than 10 % from the warm-up's end to the load's end (memory handed
    // back, as the APIs' after their first minute, is no leak). Postgres is judged by its backends'
    // private memory: their VmRSS also counts each shared-buffer page a backend has touched, which grows
    // as the year is read, up to shared_buffers, and is printed for the record only.
    let flat = true;
    const pct = (a: number, b: number) => (a ? (b - a) / a : 0);
    const judged = (name: string) => !name.startsWith('postgres backends') || name.includes('private');
    for (const [name, start] of rssStart) {
      const end = rssEnd.get(name)!;
      const mid = rssWarm.get(name)!;
      if (judged(name) && pct(mid.mib, end.mib) > 0.1) flat = false;
      const procs = start.count > 1 || end.count > 1 ? ` (${start.count} → ${end.count} processes)` : '';
      log(`| ${name}${procs} | ${start.mib.toFixed(0)} | ${mid.mib.toFixed(0)} | ${end.mib.toFixed(0)} | ${(pct(start.mib, end.mib) * 100).toFixed(1)} % | ${(pct(mid.mib, end.mib) * 100).toFixed(1)} % |`);
    }
    const summary = { date: new Date().toISOString(), minutes, users: userCount, counts, preload, liveItems, baseline: base, load: main, autocannonErrors, flat, loadMean: loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length) };
    writeFileSync(join(stateDir, `result-${Date.now()}.json`), JSON.stringify(summary, null, 2));
    log(`\nerrors: ${main.errors} non-2xx + ${autocannonErrors} connection errors/timeouts (goal 0) ${main.errors + autocannonErrors === 0 ? '✔' : '✘'}; RSS grown at most 10 % from ${warmSeconds} s to the end (Postgres: private memory): ${flat ? '✔' : '✘'}`);
    log(JSON.stringify(summary));
    process.exitCode = main.errors + autocannonErrors === 0 ? 0 : 1;
  } finally {
    await cluster?.stop();
    for (const stop of stops.reverse()) await stop().catch((e: Error) => log(e.message));
  }
}

await main();
process.exit();
