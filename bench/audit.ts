/**
 * The audit read side on a big item, each figure next to the time merely to fetch its histories:
 *
 *   npx tsx bench/audit.ts [events=2000] [repeats=7]
 *
 * One item of 10 tasks driven by progress updates until its histories (item + tasks, all runs)
 * hold at least `events` events. Then, medians of `repeats` runs of:
 *   fetch    — every run's history from Temporal (what any audit read has to do first);
 *   history  — the history view: fetch + decode + domain fold + plain-words render (zh);
 *   replay   — the state at the middle instant: fetch + cut + domain fold;
 * with history/fetch and replay/fetch (goal ≤ 2×).
 *
 * Temporal: a dev server of its own (in memory, port 17600, namespace `bench-audit`) and an
 * in-process worker. Postgres: database `supervision_bench_audit`. Redis: under a bench prefix.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { fetchItemHistoriesFromTemporal, eventsOf } from '../archive/histories';
import { itemHistory, itemStateAt } from '../audit/service';
import { loadConfig } from '../config/env';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { departments } from '../db/schema/org';
import type { Actor, DeadlinePolicy } from '../domain';
import { createQueues } from '../jobs/queues';
import { connectRedis } from '../jobs/redis';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { startTemporalDevServer } from '../scripts/temporal-server';
import { workflowsPath } from '../workflows/path';
import { item as itemWorkflow } from '../workflows';
import { itemWorkflowId, progressUpdate, signUpdate, taskWorkflowId, tasksOpenedUpdate, type ItemInput, type TaskSpec } from '../workflows/definitions';

const [TARGET_EVENTS = 2000, REPEATS = 7] = process.argv.slice(2).map(Number);
const TASKS = 10;
const log = (line: string) => console.log(`[bench] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await run();
  return [performance.now() - t0, value];
}

const [temporal, postgres, redisSource] = await Promise.all([
  startTemporalDevServer({ port: 17600, dbFile: null, namespace: 'bench-audit', headless: true, log }),
  resolvePostgres({ databaseName: 'supervision_bench_audit', log }),
  resolveRedis(log),
]);
await runMigrations(postgres.url);
const config = loadConfig({
  TEMPORAL_ADDRESS: temporal.address,
  TEMPORAL_NAMESPACE: temporal.namespace,
  TEMPORAL_TASK_QUEUE: `bench-audit-${randomUUID().slice(0, 8)}`,
  DATABASE_URL: postgres.url,
  REDIS_URL: redisSource.url,
  QUEUE_PREFIX: `bench-audit-${randomUUID().slice(0, 8)}`,
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
  LOG_LEVEL: 'warn',
});
const database = connectDatabase(config.DATABASE_URL, { max: 8 });
const redis = connectRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);
const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection: nativeConnection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowsPath,
  activities: createActivities({ config, db: database.db, queues }),
});
const running = worker.run();
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

try {
  // ---- An item of 10 tasks, driven to ≥ TARGET_EVENTS events ----
  const depts = await database.db
    .insert(departments)
    .values(Array.from({ length: TASKS }, (_, i) => ({ name: `基准单位${i}-${randomUUID().slice(0, 6)}`, nameEn: `Bench unit ${i}` })))
    .returning({ id: departments.id });
  const now = Date.now();
  const policy: DeadlinePolicy = { warnBeforeMs: 86_400_000, signWithinMs: 86_400_000, reportEveryMs: null, escalateAfterMs: 86_400_000, paceMarginPercent: null, workingDays: null };
  const specs: TaskSpec[] = depts.map((d, i) => ({ id: randomUUID(), departmentId: d.id, role: i === 0 ? 'lead' : 'assist', dueAt: now + 30 * 86_400_000, policy }));
  const itemId = randomUUID();
  const launchedBy: Actor = { userId: randomUUID(), name: '督查员', role: 'supervisor', departmentId: null };
  const input: ItemInput = {
    item: { id: itemId, code: `BENCH-${itemId.slice(0, 8)}`, kind: 'routine', title: '审计基准事项', description: '', source: 'bench', issuedBy: randomUUID(), public: false, dueAt: now + 30 * 86_400_000, createdAt: now },
    tasks: specs,
    options: { archiveAfterMs: 86_400_000, urgeEscalateAfterMs: null },
    launchedBy,
  };
  const handle = await client.workflow.start(itemWorkflow, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: itemWorkflowId(itemId), args: [input] });
  await handle.executeUpdate(tasksOpenedUpdate);
  const staff = specs.map((s, i): Actor => ({ userId: randomUUID(), name: `承办人${i}`, role: 'department', departmentId: s.departmentId }));
  const taskHandles = specs.map((s) => client.workflow.getHandle(taskWorkflowId(s.id)));
  await Promise.all(taskHandles.map((t, i) => t.executeUpdate(signUpdate, { args: [{ actor: staff[i]! }] })));

  const countEvents = async () => (await fetchItemHistoriesFromTemporal(client, itemId))!.runs.reduce((n, r) => n + eventsOf(r.history).length, 0);
  let events = await countEvents();
  let updates = TASKS;
  const t0 = Date.now();
  for (let round = 1; events < TARGET_EVENTS; round++) {
    await Promise.all(
      taskHandles.map((t, i) => t.executeUpdate(progressUpdate, { args: [{ actor: staff[i]!, text: `第${round}次进展`, percent: Math.min(99, round) }] })),
    );
    updates += TASKS;
    if (round % 5 === 0) {
      events = await countEvents();
      log(`${updates} updates, ${events} events (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  // Let the last projections and signals land so the histories are quiet while we measure.
  await new Promise((r) => setTimeout(r, 2000));
  const histories = (await fetchItemHistoriesFromTemporal(client, itemId))!;
  events = histories.runs.reduce((n, r) => n + eventsOf(r.history).length, 0);
  const first = Math.min(...histories.runs.map((r) => Number(eventsOf(r.history)[0]!.eventTime!.seconds) * 1000));
  const middle = new Date(first + (Date.now() - first) / 2).toISOString();
  log(`item ${itemId}: ${TASKS} tasks, ${histories.runs.length} runs, ${events} events, ${updates} updates`);

  // ---- Measurements (one warm-up each) ----
  const deps = { client, db: database.db };
  const fetchTimes: number[] = [];
  const viewTimes: number[] = [];
  const replayTimes: number[] = [];
  let lines = 0;
  for (let i = 0; i <= REPEATS; i++) {
    const [f] = await timed(() => fetchItemHistoriesFromTemporal(client, itemId));
    const [v, view] = await timed(() => itemHistory(deps, itemId, 'zh'));
    const [r] = await timed(() => itemStateAt(deps, itemId, middle));
    if (i === 0) continue;
    fetchTimes.push(f);
    viewTimes.push(v);
    replayTimes.push(r);
    lines = view.events.length;
  }
  const fetchMs = median(fetchTimes);
  const viewMs = median(viewTimes);
  const replayMs = median(replayTimes);
  console.log('');
  console.log(`audit bench: 1 item, ${TASKS} tasks, ${histories.runs.length} workflow runs, ${events} history events, ${lines} history lines; median of ${REPEATS}`);
  console.log(`  fetch histories from Temporal    ${fmt(fetchMs)}`);
  console.log(`  history view (fetch+fold+words)  ${fmt(viewMs)}   ratio ${(viewMs / fetchMs).toFixed(2)}× (goal ≤ 2×)`);
  console.log(`  replay at ${middle}  ${fmt(replayMs)}   ratio ${(replayMs / fetchMs).toFixed(2)}× (goal ≤ 2×)`);
} finally {
  worker.shutdown();
  await running;
  await nativeConnection.close();
  await connection.close();
  await queues.close();
  redis.disconnect();
  await database.close();
  await temporal.stop();
  await postgres.stop?.();
}
