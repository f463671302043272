/**
 * The workflow engine under load, each figure next to a baseline measured in the same run:
 *
 *   npx tsx bench/engine.ts [items=1000] [lightTasks=1000] [openTasks=10000] [probes=1000]
 *
 * 1. starts/s of the bare one-line workflow `probe` (the server's floor), 1,000 starts (`probes`);
 * 2. items/s: 1,000 items of 5 tasks launched through the launch service (api/services/items.ts:
 *    checks, read-model rows, workflow start), counted done when all 6 workflows of an item run;
 *    ratio = (items/s × 6 workflows) / probe starts/s (goal ≥ 0.5);
 *    (and, for comparison, items started straight on the item workflow, without the service);
 * 3. 1,000 tasks due in the same second (yellow 15 s before): from the yellow instant on, the item
 *    list and the standing book are read every 100 ms, and every read showing a light that was
 *    already wrong is counted (goal 0: reads compute the light as of reading, issue 16); then the
 *    lateness (p50, p99) of the recorded light change (the timeline entry's instant) and of its
 *    notification (the moment its job was handed to the notification queue), next to the floor:
 *    1,000 bare probe timers due in the same second on the same server (goal p99 ≤ 1.2 × floor);
 * 4. the worker's RSS with 10,000 open tasks (goal < 1 GiB).
 *
 * Temporal: a dev server of its own (in memory, namespace `bench`, port BENCH_TEMPORAL_PORT,
 * default 17400). Postgres: database BENCH_DATABASE_NAME (default `supervision_bench`). Redis: under
 * a bench prefix. The worker is a child process (tests/support/worker-process.ts), so its RSS is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { launchItem } from '../api/services/items/commands';
import { getDashboard } from '../api/services/dashboard/standing-book';
import { listItems } from '../db/queries/items';
import { createQueues } from '../jobs/queues';
import { connectRedis } from '../jobs/redis';
import type { SessionUser } from '../api/authz';
import type { LaunchItemBody } from '../api/schemas/items';
import { loadConfig, type Config } from '../config/env';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { departments, itemEvents, tasks, users } from '../db/schema';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { startTemporalDevServer } from '../scripts/temporal-server';
import { itemWorkflowId, tasksOpenedUpdate, type ItemInput } from '../workflows/definitions';

const [ITEMS = 1000, LIGHT_TASKS = 1000, OPEN_TASKS = 10_000, PROBES = 1000] = process.argv.slice(2).map(Number);
const TEMPORAL_PORT = Number(process.env.BENCH_TEMPORAL_PORT ?? 17400);
const DATABASE_NAME = process.env.BENCH_DATABASE_NAME ?? 'supervision_bench';
const TASKS_PER_ITEM = 5;
const CONCURRENCY = 50;
const log = (line: string) => console.log(`[bench] ${line}`);

async function pool<T>(count: number, concurrency: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await run(i);
      }
    }),
  );
  return results;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

function startWorker(config: Config): Promise<ChildProcess> {
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    SESSION_SECRET: config.SESSION_SECRET,
    WORKER_CACHED_WORKFLOWS: String(config.WORKER_CACHED_WORKFLOWS),
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/worker-process.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
  });
}

/** Counts running workflows of a type (visibility), until it reaches `expected`. */
async function waitRunning(client: Client, type: string, expected: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(`WorkflowType = '${type}' AND ExecutionStatus = 'Running'`);
    if (count >= expected) return;
    if (process.env.BENCH_DEBUG) log(`${type}: ${count}/${expected} running`);
    if (Date.now() > deadline) throw new Error(`only ${count} of ${expected} ${type} workflows running`);
    await sleep(250);
  }
}

async function main() {
  const run = randomUUID().slice(0, 8);
  const [temporal, postgres, redis] = await Promise.all([
    startTemporalDevServer({ port: TEMPORAL_PORT, dbFile: null, namespace: 'bench', headless: true, log }),
    resolvePostgres({ databaseName: DATABASE_NAME, log }),
    resolveRedis(log),
  ]);
  await runMigrations(postgres.url);
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'bench',
    TEMPORAL_TASK_QUEUE: `bench-${run}`,
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `bench-${run}`,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    LOG_LEVEL: 'warn',
    WORKER_CACHED_WORKFLOWS: process.env.WORKER_CACHED_WORKFLOWS,
  });
  log(`worker workflow cache: ${config.WORKER_CACHED_WORKFLOWS}`);
  const database = connectDatabase(config.DATABASE_URL, { max: 20 });
  const redisClient = connectRedis(config.REDIS_URL);
  const queues = createQueues(redisClient, config.QUEUE_PREFIX);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const worker = await startWorker(config);
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, rssOf(worker.pid!));
    } catch {
      /* the worker is gone */
    }
  }, 500);

  try {
    // The organisation the launch service checks against: 5 departments, a supervisor, a leader.
    const depts = await database.db
      .insert(departments)
      .values(Array.from({ length: TASKS_PER_ITEM }, (_, i) => ({ name: `bench-${run}-局${i}` })))
      .returning({ id: departments.id });
    const [supervisorRow, leaderRow, lightsLeaderRow] = await database.db
      .insert(users)
      .values([
        { username: `bench-${run}-sup`, displayName: '督查员', role: 'supervisor' as const, passwordHash: 'x' },
        { username: `bench-${run}-lead`, displayName: '领导', role: 'leader' as const, passwordHash: 'x' },
        // Issues the items of the lights section only, so the list read there is exactly theirs.
        { username: `bench-${run}-lights`, displayName: '领导乙', role: 'leader' as const, passwordHash: 'x' },
      ])
      .returning();
    const user: SessionUser = { id: supervisorRow!.id, username: supervisorRow!.username, displayName: '督查员', role: 'supervisor', departmentId: null };
    const deps = { config, database, temporal: client };
    const body = (dueAt: string, warnBefore = 'P2D', issuedBy = leaderRow!.id): LaunchItemBody => ({
      kind: 'routine',
      title: '基准测试事项',
      issuedBy,
      dueAt,
      warnBefore,
      signWithin: 'P7D',
      public: false,
      tasks: depts.map((d, i) => ({ departmentId: d.id, role: i === 0 ? ('lead' as const) : ('assist' as const) })),
    });
    const farDue = () => new Date(Date.now() + 60 * 24 * 3_600_000).toISOString();

    // Warm-up: the first launches pay for bundle caches and connection pools.
    await pool(20, 10, () => launchItem(deps, user, body(farDue())));
    await pool(50, 10, (i) => client.workflow.start('probe', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `probe-warm-${run}-${i}`, args: [0] }));

    // 1. The floor: the one-line workflow, started and run (its one workflow task done).
    let t0 = performance.now();
    const probes = await pool(PROBES, CONCURRENCY, (i) =>
      client.workflow.start('probe', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `probe-${run}-${i}`, args: [0] }),
    );
    const probeStartsS = (performance.now() - t0) / 1000;
    await Promise.all(probes.map((p) => p.result()));
    const probeRate = PROBES / ((performance.now() - t0) / 1000);
    log(`probe: ${(PROBES / probeStartsS).toFixed(1)} starts/s accepted; ${probeRate.toFixed(1)} workflows/s started and run (${PROBES}, ${CONCURRENCY} concurrent)`);

    // 2. Items through the launch service; an item counts once all its task workflows run
    //    (the item's tasksOpened Update answers).
    t0 = performance.now();
    await pool(ITEMS, CONCURRENCY, async () => {
      const launched = await launchItem(deps, user, body(farDue()));
      await client.workflow.getHandle(launched.workflowId).executeUpdate(tasksOpenedUpdate);
    });
    const itemRate = ITEMS / ((performance.now() - t0) / 1000);
    const ratio = (itemRate * (1 + TASKS_PER_ITEM)) / probeRate;
    log(`items: ${itemRate.toFixed(1)} items/s of ${TASKS_PER_ITEM} tasks (${(itemRate * (1 + TASKS_PER_ITEM)).toFixed(1)} workflows/s)`);
    log(`ratio per workflow started: ${ratio.toFixed(2)} (goal ≥ 0.5)`);

    // 2b. The same items started straight on the item workflow (no service, no rows): the engine alone.
    const direct = Math.max(1, Math.floor(ITEMS / 5));
    t0 = performance.now();
    await pool(direct, CONCURRENCY, async () => {
      const itemId = randomUUID();
      const now = Date.now();
      const dueAt = now + 60 * 24 * 3_600_000;
      const input: ItemInput = {
        item: { id: itemId, code: `B-${itemId.slice(0, 8)}`, kind: 'routine', title: '基准', description: '', source: '', issuedBy: leaderRow!.id, public: false, dueAt, createdAt: now },
        tasks: depts.map((d, i) => ({
          id: randomUUID(),
          departmentId: d.id,
          role: i === 0 ? ('lead' as const) : ('assist' as const),
          dueAt,
          policy: { warnBeforeMs: 2 * 86_400_000, signWithinMs: 7 * 86_400_000, reportEveryMs: null, escalateAfterMs: 86_400_000, paceMarginPercent: null, workingDays: null },
        })),
        options: { archiveAfterMs: 86_400_000, urgeEscalateAfterMs: null },
        launchedBy: { userId: user.id, name: user.displayName, role: 'supervisor', departmentId: null },
      };
      const handle = await client.workflow.start('item', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: itemWorkflowId(itemId), args: [input] });
      await handle.executeUpdate(tasksOpenedUpdate);
    });
    const directRate = direct / ((performance.now() - t0) / 1000);
    log(`items started directly on the workflow: ${directRate.toFixed(1)} items/s (${direct} items; ratio ${((directRate * (1 + TASKS_PER_ITEM)) / probeRate).toFixed(2)})`);

    // 3a. The floor for lateness: LIGHT_TASKS bare probe timers due in the same second.
    // Far enough ahead that every timer is started before it falls due, however loaded the machine.
    const floorAt = Math.ceil((Date.now() + 20_000 + (1.5 * LIGHT_TASKS * 1000) / (PROBES / probeStartsS)) / 1000) * 1000;
    const sleepers = await pool(LIGHT_TASKS, CONCURRENCY, (i) =>
      client.workflow.start('probe', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `floor-${run}-${i}`, args: [floorAt - Date.now()] }),
    );
    await Promise.all(sleepers.map((h) => h.result()));
    const floorLate = (await pool(sleepers.length, CONCURRENCY, async (i) => (await sleepers[i]!.describe()).closeTime!.getTime() - floorAt)).sort(
      (a, b) => a - b,
    );
    log(`floor: ${LIGHT_TASKS} probe timers due in the same second close late by p50 ${percentile(floorLate, 50)} ms, p99 ${percentile(floorLate, 99)} ms`);

    // 3. Lights for LIGHT_TASKS tasks due in the same second.
    const lightItems = Math.ceil(LIGHT_TASKS / TASKS_PER_ITEM);
    const dueAt = new Date(Math.ceil((Date.now() + 60_000 + (1.5 * lightItems * 1000) / itemRate) / 1000) * 1000);
    const warnAt = dueAt.getTime() - 15_000;
    const launched = await pool(lightItems, CONCURRENCY, () => launchItem(deps, user, body(dueAt.toISOString(), 'PT15S', lightsLeaderRow!.id)));
    const lightTaskIds = launched.flatMap((l) => l.tasks.map((t) => t.id));
    log(`lights: ${lightTaskIds.length} tasks, yellow due at ${new Date(warnAt).toISOString()}, red at ${dueAt.toISOString()}`);
    const changes = async () =>
      database.db
        .select({ at: itemEvents.at, to: sql<string>`${itemEvents.payload}->>'to'`, warnAt: tasks.warnAt, dueAt: tasks.dueAt })
        .from(itemEvents)
        .innerJoin(tasks, eq(tasks.id, itemEvents.taskId))
        .where(and(eq(itemEvents.type, 'light_changed'), inArray(itemEvents.taskId, lightTaskIds)));

    // 3a. Reads from the yellow instant on, every 100 ms, until every red change is recorded (+2 s).
    // The truth needs no recorded change: every task is yellow from warnAt, red from dueAt. A read is
    // wrong when it shows a light better than the truth when it began, or worse than when it ended.
    const truth = (at: number): 'green' | 'yellow' | 'red' => (at >= dueAt.getTime() ? 'red' : at >= warnAt ? 'yellow' : 'green');
    const rank = { green: 0, yellow: 1, red: 2 } as const;
    const expectedBook = (light: 'green' | 'yellow' | 'red') => ({ yellow: light === 'yellow' ? lightTaskIds.length : 0, red: light === 'red' ? lightTaskIds.length : 0 });
    const dashboardQuery = { departmentId: depts.map((d) => d.id).join(','), dateField: 'launched' as const };
    const reads = { list: 0, listWrong: 0, book: 0, bookWrong: 0, listMs: [] as number[], bookMs: [] as number[] };
    let allRedRecorded = false;
    const reader = (async () => {
      await sleep(Math.max(0, warnAt - Date.now()));
      let caughtUpAt: number | null = null;
      while (caughtUpAt === null || Date.now() < caughtUpAt + 2_000) {
        const tick = Date.now();
        const listStart = Date.now();
        const list = await listItems(database, { issuedBy: lightsLeaderRow!.id }, { limit: lightItems, offset: 0 });
        const listEnd = Date.now();
        reads.list += 1;
        reads.listMs.push(listEnd - listStart);
        const listOk = list.rows.length === lightItems && list.rows.every((r) => rank[r.light as 'green'] >= rank[truth(listStart)] && rank[r.light as 'green'] <= rank[truth(listEnd)]);
        if (!listOk) reads.listWrong += 1;
        const bookStart = Date.now();
        const book = await getDashboard(deps, dashboardQuery as never);
        const bookEnd = Date.now();
        reads.book += 1;
        reads.bookMs.push(bookEnd - bookStart);
        const shown = { yellow: book.totals.yellow, red: book.totals.red };
        const okAt = (at: number) => JSON.stringify(shown) === JSON.stringify(expectedBook(truth(at)));
        if (!okAt(bookStart) && !okAt(bookEnd)) reads.bookWrong += 1;
        if (allRedRecorded && caughtUpAt === null) caughtUpAt = Date.now();
        await sleep(Math.max(0, tick + 100 - Date.now()));
      }
    })();
    await sleep(Math.max(0, dueAt.getTime() - Date.now()) + 5_000);
    let rows = await changes();
    for (let waited = 0; rows.filter((r) => r.to === 'red').length < lightTaskIds.length && waited < 120; waited++) {
      await sleep(1_000);
      rows = await changes();
    }
    allRedRecorded = true;
    await reader;
    const p = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return `p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms`;
    };
    log(`reads every 100 ms from the yellow instant: item list ${reads.listWrong}/${reads.list} wrong (${p(reads.listMs)} each), standing book ${reads.bookWrong}/${reads.book} wrong (${p(reads.bookMs)} each) (goal 0 wrong)`);

    // 3b. Lateness of the recorded change and of its notification, next to the floor.
    const jobs = await queues.notifications.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']);
    const lightSet = new Set(lightTaskIds);
    const handedOver = jobs.filter((j) => lightSet.has(j.data.taskId as string));
    const floorP99 = percentile(floorLate, 99);
    for (const color of ['yellow', 'red'] as const) {
      const instant = color === 'yellow' ? warnAt : dueAt.getTime();
      const late = rows
        .filter((r) => r.to === color)
        .map((r) => r.at.getTime() - (color === 'yellow' ? r.warnAt.getTime() : r.dueAt.getTime()))
        .sort((a, b) => a - b);
      const notified = handedOver
        .filter((j) => j.data.event === color)
        .map((j) => j.timestamp - instant)
        .sort((a, b) => a - b);
      const p99 = percentile(late, 99);
      log(
        `${color}: ${late.length}/${lightTaskIds.length} recorded, late by p50 ${percentile(late, 50)} ms, p99 ${p99} ms (${(p99 / floorP99).toFixed(2)} × floor p99 ${floorP99} ms; goal ≤ 1.2 ×); ` +
          `${notified.length} notifications handed over, late by p50 ${percentile(notified, 50)} ms, p99 ${percentile(notified, 99)} ms`,
      );
    }

    // 4. Memory with OPEN_TASKS open tasks.
    const open = async () => (await client.workflow.count(`WorkflowType = 'task' AND ExecutionStatus = 'Running'`)).count;
    const missing = OPEN_TASKS - (await open());
    if (missing > 0) {
      const more = Math.ceil(missing / TASKS_PER_ITEM);
      await pool(more, CONCURRENCY, () => launchItem(deps, user, body(farDue())));
    }
    await waitRunning(client, 'task', OPEN_TASKS);
    await sleep(10_000); // let projections and roll-ups settle
    const openNow = await open();
    log(`worker RSS with ${openNow} open tasks: ${(rssOf(worker.pid!) / 2 ** 20).toFixed(0)} MiB now, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB (goal < 1024 MiB)`);
  } finally {
    clearInterval(sampler);
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await connection.close();
    await queues.close();
    redisClient.disconnect();
    await database.close();
    await temporal.stop();
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

await main();
