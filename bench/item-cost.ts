/**
 * What one item costs the platform (issue 20, "scale on paper"): the figures the README's province
 * sizing extrapolates from, each next to a bare Temporal workflow measured in the same run.
 *
 *   npx tsx bench/item-cost.ts [items=60] [appeals=60] [concurrency=10]      (npm run bench:item-cost)
 *
 * Three workloads run one after the other through the API and a worker as child processes
 * (bench/platform.ts), on TEMPORAL_ADDRESS if set, else a Temporal dev server of its own (in memory,
 * BENCH_TEMPORAL_PORT or 17563; the Temporal CPU figure needs the latter):
 * - probe:   `probe(0)` workflows started straight on the task queue: Temporal's floor per workflow.
 * - item:    a supervision item with three tasks (one lead, two assist) through its whole life:
 *            launch, 3 signs, 6 progress reports, 1 urge, the yellow light (warning 20 s after launch),
 *            3 completions, 3 acceptances (17 writes).
 * - appeal:  register, dispatch, sign, reply, a satisfied return visit (5 writes): the hotline loop.
 * Per unit it reports: the workflows' history events, workflow tasks and encoded history bytes (every
 * workflow of the item: the item's own and its tasks'); rows inserted and bytes added per table in
 * Postgres (pg_stat_user_tables and pg_total_relation_size deltas over the bench's own database);
 * CPU milliseconds of the API, the worker and the Temporal server (/proc/<pid>/stat, less each
 * process's idle rate measured over 10 s before the workloads); the Redis keys
 * and bytes left under the bench's prefix. Postgres's own CPU is not measured (its backends are
 * shared with whatever else runs on the machine).
 * Last, the cold replay: the CPU milliseconds it takes to replay each unit's workflows from their whole
 * history with nothing cached, which is what every workflow with work waiting costs a worker that has
 * just (re)started. Worker.runReplayHistories in this process, the latest run of each workflow, one
 * round to warm up and the median of three. Prints a table and, last, one line of JSON.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type HistoryAndWorkflowId as ReplayHistory } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import protoRoot from '@temporalio/proto';
import { hash } from 'argon2';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { runMigrations } from '../db/migrate';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { itemWorkflowId, taskWorkflowId } from '../workflows/ids';
import { workflowsPath } from '../workflows/path';
import { benchEnv, benchTemporal, freePort, keepAliveClient, log, login, startChild, stopChild, waitForApi, type Answer } from './platform';

const ITEMS = Number(process.argv[2] ?? 60);
const APPEALS = Number(process.argv[3] ?? 60);
const CONCURRENCY = Number(process.argv[4] ?? 10);
const TEMPORAL_PORT = Number(process.env.BENCH_TEMPORAL_PORT ?? 17563);
const http = keepAliveClient(CONCURRENCY * 2 + 4);
const TICKS_PER_SECOND = 100;

/** User + system CPU of a process so far, in ms (/proc/<pid>/stat fields 14 and 15). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

interface Snapshot {
  at: number;
  cpu: Record<string, number>;
  tables: Map<string, { inserted: number; bytes: number }>;
  redis: { keys: number; bytes: number };
}

interface Cost {
  name: string;
  units: number;
  writes: number;
  workflows: number;
  historyEvents: number;
  workflowTasks: number;
  historyBytes: number;
  rows: number;
  dbBytes: number;
  cpu: Record<string, number>;
  redisBytes: number;
  topTables: string;
  seconds: number;
  /** CPU ms to replay the unit's workflows cold (median of three rounds), and that per workflow task. */
  replay: { ms: number; perWorkflowTaskMs: number };
}

async function main() {
  log(`bench/item-cost: ${ITEMS} items (3 tasks each), ${APPEALS} appeals, ${CONCURRENCY} at a time; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const [pg, redisService] = await Promise.all([resolvePostgres({ databaseName: 'supervision_bench_cost', log }), resolveRedis(log)]);
  await runMigrations(pg.url);
  const temporal = await benchTemporal(TEMPORAL_PORT, 'supervision-cost');
  const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  const redis = new Redis(redisService.url);
  const port = await freePort();
  const prefix = `cost-${randomUUID().slice(0, 8)}`;
  const env = benchEnv({ databaseUrl: pg.url, redisUrl: redisService.url, temporal }, prefix, { PORT: String(port), TRUST_PROXY: '1' });
  const baseUrl = `http://127.0.0.1:${port}`;
  const people = await seedPeople(sql);
  const api = startChild('api', 'api/main.ts', env);
  const worker = startChild('worker', 'worker/main.ts', env);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const pids: Record<string, number> = { api: api.pid!, worker: worker.pid!, temporal: temporal.pid ?? 0 };
  try {
    await waitForApi(http, baseUrl, api);
    const tokens = Object.fromEntries(await Promise.all(Object.entries(people.usernames).map(async ([role, username], i) => [role, await login(http, baseUrl, username, people.password, i)] as const)));
    const call = callAs(baseUrl, tokens);
    await sleep(2000); // the worker's start-up CPU settles before the first snapshot

    const snapshot = async (): Promise<Snapshot> => {
      await sleep(1500); // pg_stat_user_tables is flushed at most once a second
      const tables = new Map<string, { inserted: number; bytes: number }>();
      for (const row of await sql<{ relname: string; inserted: string; bytes: string }[]>`
        select relname, n_tup_ins::text as inserted, pg_total_relation_size(relid)::text as bytes from pg_stat_user_tables`) {
        tables.set(row.relname, { inserted: Number(row.inserted), bytes: Number(row.bytes) });
      }
      let keys = 0;
      let bytes = 0;
      for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
        for (const key of batch as string[]) {
          keys += 1;
          bytes += (await redis.memory('USAGE', key)) ?? 0;
        }
      }
      return { at: Date.now(), cpu: Object.fromEntries(Object.entries(pids).filter(([, pid]) => pid > 0).map(([name, pid]) => [name, cpuMs(pid)])), tables, redis: { keys, bytes } };
    };

    // Idle: what each process spends per second doing nothing asked of it (polling, upkeep timers),
    // taken off each workload's CPU over the time between its snapshots.
    const idleFrom = await snapshot();
    await sleep(10_000);
    const idleTo = await snapshot();
    const idlePerMs = Object.fromEntries(Object.keys(idleTo.cpu).map((k) => [k, (idleTo.cpu[k]! - idleFrom.cpu[k]!) / (idleTo.at - idleFrom.at)]));
    log(`  idle CPU, ms per second: ${Object.entries(idlePerMs).map(([k, v]) => `${k} ${(v * 1000).toFixed(1)}`).join(', ')}`);

    const costs: Cost[] = [];
    const replays: HistoryTotals[] = [];
    const measure = async (name: string, units: number, writes: number, run: () => Promise<string[]>) => {
      const before = await snapshot();
      const started = Date.now();
      const workflowIds = await run();
      const seconds = (Date.now() - started) / 1000;
      const after = await snapshot();
      for (const k of Object.keys(after.cpu)) after.cpu[k] = after.cpu[k]! - idlePerMs[k]! * (after.at - before.at);
      const histories = await historyFigures(client, workflowIds);
      costs.push(costOf(name, units, writes, workflowIds.length, histories, before, after, seconds));
      replays.push(histories);
      log(`  ${name}: ${units} done in ${seconds.toFixed(1)} s`);
    };

    await measure('probe (bare workflow)', ITEMS, 0, () => runProbes(client, prefix, ITEMS));
    await measure('supervision item, 3 tasks', ITEMS, 17, () => runItems(call, people, ITEMS));
    await measure('appeal', APPEALS, 5, () => runAppeals(call, people, APPEALS));
    await measureColdReplays(costs, replays);
    printTable(costs);
    console.log(JSON.stringify({ costs: costs.map(({ topTables: _, ...rest }) => rest) }));
  } finally {
    await connection.close();
    await Promise.all([stopChild(api), stopChild(worker)]);
    await Promise.all([sql.end(), redis.quit(), temporal.stop(), pg.stop(), redisService.stop()]);
    http.destroy();
  }
}

interface People {
  password: string;
  usernames: Record<'supervisor' | 'leader' | 'operator' | 'staff0' | 'staff1' | 'staff2', string>;
  leaderId: string;
  departmentIds: string[];
}

async function seedPeople(sql: postgres.Sql): Promise<People> {
  const label = randomUUID().slice(0, 6);
  const password = 'bench-password-123';
  const passwordHash = await hash(password);
  const departmentIds = (await sql<{ id: string }[]>`
    insert into departments (name) values (${`成本甲局-${label}`}), (${`成本乙局-${label}`}), (${`成本丙局-${label}`}) returning id`).map((r) => r.id);
  const rows = [
    ['supervisor', 'supervisor', null],
    ['leader', 'leader', null],
    ['operator', 'operator', null],
    ['staff0', 'department', departmentIds[0]],
    ['staff1', 'department', departmentIds[1]],
    ['staff2', 'department', departmentIds[2]],
  ] as const;
  const usernames = {} as People['usernames'];
  let leaderId = '';
  for (const [key, role, departmentId] of rows) {
    const username = `cost-${label}-${key}`;
    const [user] = await sql<{ id: string }[]>`
      insert into users (username, display_name, role, department_id, password_hash)
      values (${username}, ${`成本${key}`}, ${role}, ${departmentId ?? null}, ${passwordHash}) returning id`;
    usernames[key] = username;
    if (key === 'leader') leaderId = user!.id;
  }
  return { password, usernames, leaderId, departmentIds };
}

type Call = (who: string, method: string, path: string, body?: unknown) => Promise<Answer>;

/** A call as `who`; 404/409 right after a write (its workflow not started yet) is retried for up to 10 s, anything else unexpected throws. */
function callAs(baseUrl: string, tokens: Record<string, string>): Call {
  return async (who, method, path, body) => {
    for (let attempt = 0; ; attempt++) {
      const answer = await http.call(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (answer.ok) return answer;
      if ((answer.status === 404 || answer.status === 409) && attempt < 100) {
        await sleep(100);
        continue;
      }
      throw new Error(`${method} ${path} as ${who}: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
  };
}

/** `count` jobs, `CONCURRENCY` at a time. */
async function pool<T>(count: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

async function runProbes(client: Client, taskQueue: string, count: number): Promise<string[]> {
  return pool(count, async (i) => {
    const workflowId = `cost-probe-${taskQueue}-${i}`;
    await client.workflow.execute('probe', { taskQueue, workflowId, args: [0] });
    return workflowId;
  }).then((ids) => ids.flat());
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

async function runItems(call: Call, people: People, count: number): Promise<string[]> {
  const ids = await pool(count, async (i) => {
    const launched = JSON.parse(
      (
        await call('supervisor', 'POST', '/api/items', {
          kind: 'routine',
          title: `成本测算事项 ${i}`,
          description: '按期推进并报送进展',
          source: 'bench',
          issuedBy: people.leaderId,
          dueAt: new Date(Date.now() + 10 * 60_000).toISOString(),
          warnBefore: 'PT580S',
          tasks: people.departmentIds.map((departmentId, d) => ({ departmentId, role: d === 0 ? 'lead' : 'assist' })),
        })
      ).text,
    ) as { id: string; tasks: { id: string; departmentId: string }[] };
    const staffOf = (departmentId: string) => `staff${people.departmentIds.indexOf(departmentId)}`;
    for (const task of launched.tasks) await call(staffOf(task.departmentId), 'POST', `/api/tasks/${task.id}/sign`, {});
    for (const percent of [30, 60]) {
      for (const task of launched.tasks) await call(staffOf(task.departmentId), 'POST', `/api/tasks/${task.id}/progress`, { text: `已完成${percent}%`, percent });
    }
    await call('leader', 'POST', `/api/tasks/${launched.tasks[0]!.id}/urge`, { message: '请加快进度' });
    return launched;
  });
  // The warning falls due 20 s after each launch: every task turns yellow before it is completed.
  for (const item of ids) {
    await waitUntil('the yellow lights', async () => {
      const body = JSON.parse((await call('supervisor', 'GET', `/api/items/${item.id}`)).text) as { tasks: { light: string }[] };
      return body.tasks.every((t) => t.light === 'yellow');
    });
  }
  await pool(count, async (i) => {
    const item = ids[i]!;
    for (const task of item.tasks) {
      await call(`staff${people.departmentIds.indexOf(task.departmentId)}`, 'POST', `/api/tasks/${task.id}/complete`, { summary: '已按要求完成' });
      await call('supervisor', 'POST', `/api/tasks/${task.id}/review`, { decision: 'accept', comment: '同意办结' });
    }
  });
  for (const item of ids) {
    await waitUntil('the items to complete', async () => JSON.parse((await call('supervisor', 'GET', `/api/items/${item.id}`)).text).status === 'completed');
  }
  return ids.flatMap((item) => [itemWorkflowId(item.id), ...item.tasks.map((t) => taskWorkflowId(t.id))]);
}

async function runAppeals(call: Call, people: People, count: number): Promise<string[]> {
  const ids = await pool(count, async (i) => {
    const { id } = JSON.parse((await call('operator', 'POST', '/api/appeals', { text: `小区路灯损坏，请尽快维修（${i}）`, phone: '13800001234', channel: 'hotline' })).text) as { id: string };
    await call('operator', 'POST', `/api/appeals/${id}/dispatch`, { departmentId: people.departmentIds[0] });
    let taskId = '';
    await waitUntil('the appeal task', async () => {
      const body = JSON.parse((await call('supervisor', 'GET', `/api/items/${id}`)).text) as { tasks: { id: string; role: string }[] };
      taskId = body.tasks.find((t) => t.role === 'lead')?.id ?? '';
      return taskId !== '';
    });
    await call('staff0', 'POST', `/api/tasks/${taskId}/sign`, {});
    await call('staff0', 'POST', `/api/tasks/${taskId}/reply`, { text: '已联系群众并修复', contactMethod: 'phone', contactedAt: new Date().toISOString() });
    await call('operator', 'POST', `/api/appeals/${id}/return-visit`, { result: 'satisfied' });
    await waitUntil('the appeal to complete', async () => JSON.parse((await call('supervisor', 'GET', `/api/items/${id}`)).text).status === 'completed');
    return [itemWorkflowId(id), taskWorkflowId(taskId)];
  });
  return ids.flat();
}

interface HistoryTotals {
  events: number;
  workflowTasks: number;
  bytes: number;
  /** Each workflow's latest run: what a worker replays when the workflow next has work. */
  latest: ReplayHistory[];
  latestWorkflowTasks: number;
}

const WORKFLOW_TASK_COMPLETED = protoRoot.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;

/** Every run of each workflow (continue-as-new included), counted and encoded as Temporal stores it. */
async function historyFigures(client: Client, workflowIds: string[]): Promise<HistoryTotals> {
  const totals: HistoryTotals = { events: 0, workflowTasks: 0, bytes: 0, latest: [], latestWorkflowTasks: 0 };
  for (const workflowId of workflowIds) {
    let runId: string | undefined;
    for (;;) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = history.events ?? [];
      totals.events += events.length;
      const workflowTasks = events.filter((e) => e.eventType === WORKFLOW_TASK_COMPLETED).length;
      totals.workflowTasks += workflowTasks;
      if (runId === undefined) {
        totals.latest.push({ workflowId, history });
        totals.latestWorkflowTasks += workflowTasks;
      }
      totals.bytes += protoRoot.temporal.api.history.v1.History.encode(history).finish().length;
      // The runs before this one: continue-as-new leaves a chain back to the first.
      const started = events[0]?.workflowExecutionStartedEventAttributes;
      runId = started?.continuedExecutionRunId || undefined;
      if (!runId) break;
    }
  }
  return totals;
}

/** CPU ms of one cold replay of the given histories, all together: a warm-up round, then the median of three. */
async function replayRounds(bundle: WorkflowBundle, histories: ReplayHistory[]): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 4; round++) {
    const started = process.cpuUsage();
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      if (result.error) throw new Error(`${result.workflowId} does not replay: ${String(result.error)}`);
    }
    const used = process.cpuUsage(started);
    if (round > 0) rounds.push((used.user + used.system) / 1000);
  }
  return rounds.sort((a, b) => a - b)[1]!;
}

/** Fills in each cost's cold replay: CPU per unit and per workflow task of its latest runs. */
async function measureColdReplays(costs: Cost[], replays: HistoryTotals[]) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  for (const [i, cost] of costs.entries()) {
    const { latest, latestWorkflowTasks } = replays[i]!;
    const ms = await replayRounds(bundle, latest);
    cost.replay = { ms: ms / cost.units, perWorkflowTaskMs: ms / latestWorkflowTasks };
    log(`  ${cost.name}: ${latest.length} workflows (${latestWorkflowTasks} workflow tasks) replayed cold in ${ms.toFixed(0)} ms of CPU`);
  }
}

function costOf(name: string, units: number, writes: number, workflows: number, history: HistoryTotals, before: Snapshot, after: Snapshot, seconds: number): Cost {
  let rows = 0;
  let dbBytes = 0;
  const perTable: [string, number][] = [];
  for (const [table, now] of after.tables) {
    const was = before.tables.get(table) ?? { inserted: 0, bytes: 0 };
    rows += now.inserted - was.inserted;
    dbBytes += now.bytes - was.bytes;
    if (now.inserted > was.inserted) perTable.push([table, (now.inserted - was.inserted) / units]);
  }
  perTable.sort((a, b) => b[1] - a[1]);
  const cpu = Object.fromEntries(Object.keys(after.cpu).map((k) => [k, (after.cpu[k]! - (before.cpu[k] ?? 0)) / units]));
  return {
    name,
    units,
    writes,
    workflows: workflows / units,
    historyEvents: history.events / units,
    workflowTasks: history.workflowTasks / units,
    historyBytes: history.bytes / units,
    rows: rows / units,
    dbBytes: dbBytes / units,
    cpu,
    redisBytes: (after.redis.bytes - before.redis.bytes) / units,
    topTables: perTable.slice(0, 6).map(([t, n]) => `${t} ${n.toFixed(1)}`).join(', '),
    seconds,
    replay: { ms: 0, perWorkflowTaskMs: 0 },
  };
}

function printTable(costs: Cost[]) {
  const f = (n: number, digits = 1) => n.toFixed(digits);
  log('\nper unit (mean)           | writes | workflows | history events | workflow tasks | history KiB | rows | DB KiB | CPU ms: API / worker / Temporal | Redis bytes | cold replay CPU ms (per WFT)');
  for (const c of costs) {
    log(
      `${c.name.padEnd(25)} | ${String(c.writes).padStart(6)} | ${f(c.workflows).padStart(9)} | ${f(c.historyEvents).padStart(14)} | ${f(c.workflowTasks).padStart(14)} | ${f(c.historyBytes / 1024, 2).padStart(11)} | ${f(c.rows).padStart(4)} | ${f(c.dbBytes / 1024).padStart(6)} | ${[c.cpu.api, c.cpu.worker, c.cpu.temporal].map((x) => f(x ?? 0, 0)).join(' / ').padStart(31)} | ${f(c.redisBytes, 0).padStart(11)} | ${f(c.replay.ms)} (${f(c.replay.perWorkflowTaskMs, 2)})`,
    );
    if (c.topTables) log(`  rows by table: ${c.topTables}`);
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
