/**
 * The platform under faults (issue 20): two workers, two APIs behind HAProxy, the Temporal dev
 * server with its SQLite file, Postgres and Redis, all of the suite's own. Each fault is injected
 * while open items' timers fall due and clients keep urging; then every item is checked against
 * Temporal's history (see checks.ts) and a table is printed. Every loss and difference must be 0.
 *
 * FAULTS_PROFILE=full (`npm run test:faults`): 500 items, 30 s outages; FAULTS_PROFILE=ci
 * (`npm run test:faults:ci`): 40 items, 6 s outages. Without FAULTS_PROFILE the file is skipped: `npm test`
 * (scripts/run-tests.ts) runs it with the ci profile in a vitest run of its own after the other tiers,
 * so that the lateness it measures is not the other test files' load (it takes ~7 minutes).
 * The disk-full fault needs root (a tmpfs mounted as DATA_DIR) and says so when skipped.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { Queue } from 'bullmq';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../api/services/auth/passwords';
import { closeReplayer, useWorkflowBundle } from '../../../audit/verify';
import { connectDatabase, type DatabaseHandle } from '../../../db/client';
import { runMigrations } from '../../../db/migrate';
import { verifyAuditChain } from '../../../db/queries/audit-log';
import { queueNames } from '../../../jobs/queues';
import { insertWebhook } from '../../../db/queries/notifications';
import { tasks } from '../../../db/schema/items';
import { taskStateQuery, taskWorkflowId } from '../../../workflows/definitions';
import { departments, users, type Role } from '../../../db/schema/org';
import { startCluster, type Cluster } from '../../../scripts/cluster';
import { repoRoot } from '../../../scripts/dev-settings';
import { launchBody } from '../../support/item-fixtures';
import { testServices, uniqueName } from '../../support/services';
import { checkFault, faultTable, type FaultRow, type LaunchedItem } from './checks';
import { checkUploads, diskFullFor, startUploading } from './disk';
import { call, inParallel, startReceiver, startSubmitting, submitOnce } from './load';
import { mountSmallDisk, unmountSmallDisk } from '../../support/small-disk';
import { ownPostgres, ownRedis, ownTemporal, type OwnService } from './own-services';

// launchMsPerItem: what launching takes per item on a loaded 2-core machine, so the timers set at
// launch still fall due after the fault begins.
const PROFILES = {
  full: { items: 500, outageMs: 30_000, clients: 8, launchConcurrency: 8, launchMsPerItem: 400, verify: true },
  ci: { items: 40, outageMs: 6_000, clients: 3, launchConcurrency: 4, launchMsPerItem: 600, verify: true },
} as const;
const enabled = process.env.FAULTS_PROFILE !== undefined;
const profileName = (process.env.FAULTS_PROFILE ?? 'ci') as keyof typeof PROFILES;
// FAULTS_ITEMS and FAULTS_OUTAGE_MS override the profile's (a measurement between the two).
const profile = {
  ...(PROFILES[profileName] ?? PROFILES.ci),
  ...(process.env.FAULTS_ITEMS ? { items: Number(process.env.FAULTS_ITEMS) } : {}),
  ...(process.env.FAULTS_OUTAGE_MS ? { outageMs: Number(process.env.FAULTS_OUTAGE_MS) } : {}),
};

// TEST_TEMPORAL_PORT's next ports: Temporal, Postgres, Redis, the balancer and the two APIs.
const BASE_PORT = Number(process.env.TEST_TEMPORAL_PORT ?? 17233);
const PASSWORD = 'faults-test-password';
const NAMESPACE = 'supervision-faults';
const QUEUE_PREFIX = 'sv-faults';

let stateDir: string;
/** DATA_DIR, on a 64 MiB tmpfs of its own when this machine allows mounting one (the disk-full fault). */
let dataDir: string;
let smallDisk = false;
let temporal: OwnService & { address: string };
let postgres: OwnService;
let redis: OwnService;
let cluster: Cluster | undefined;
let database: DatabaseHandle;
let connection: Connection;
let client: Client;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let supervisorToken: string;
let leaderId: string;
let passwordHash: string;
const rows: FaultRow[] = [];

async function createUser(role: Role, departmentId: string | null = null) {
  const username = uniqueName(role);
  const [row] = await database.db.insert(users).values({ username, displayName: username, role, departmentId, passwordHash }).returning({ id: users.id });
  return { id: row!.id, username };
}

async function login(username: string) {
  const answer = await call(cluster!.url, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

async function startServices() {
  stateDir = join(repoRoot, '.data', 'test', uniqueName('faults'));
  dataDir = join(stateDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  smallDisk = mountSmallDisk(dataDir, '64m');
  [temporal, postgres, redis] = await Promise.all([
    ownTemporal(join(stateDir, 'temporal'), BASE_PORT + 1, NAMESPACE),
    ownPostgres(join(stateDir, 'postgres'), BASE_PORT + 2, 'faults'),
    ownRedis(join(stateDir, 'redis'), BASE_PORT + 3),
  ]);
  await runMigrations(postgres.url);
  database = connectDatabase(postgres.url, { max: 4 });
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: NAMESPACE });
}

beforeAll(async () => {
  if (!enabled) return;
  await startServices();
  useWorkflowBundle(testServices().workflowBundlePath);
  passwordHash = await hashPassword(PASSWORD);
  receiver = await startReceiver();
  cluster = await startCluster({
    env: {
      ...(process.env as Record<string, string>),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: 'faults',
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX,
      SESSION_SECRET: 'faults-test-session-secret-0123456789',
      WORKFLOW_BUNDLE_PATH: testServices().workflowBundlePath,
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      // Sized as a deployment would be: one worker holds every workflow of the faults' items (a task and
      // its item each) while the other is down; with the default 500 a lone worker replays on every wake.
      WORKER_CACHED_WORKFLOWS: String(Math.max(500, Math.ceil(profile.items * 2.4))),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO: '0',
    },
    balancerPort: BASE_PORT + 4,
    apiPorts: [BASE_PORT + 5, BASE_PORT + 6],
    stateDir,
  });
  supervisorToken = await login((await createUser('supervisor')).username);
  leaderId = (await createUser('leader')).id;
}, 600_000);

afterAll(async () => {
  if (!enabled) return;
  await cluster?.stop();
  await closeReplayer();
  await receiver?.close();
  await database?.close();
  await connection?.close();
  await Promise.allSettled([temporal?.stop(), postgres?.stop(), redis?.stop()]);
  if (rows.length > 0) {
    const table = faultTable(rows);
    console.log(`\nFaults (profile ${profileName}):\n${table}\n`);
    writeFileSync(join(stateDir, 'faults-table.md'), table + '\n');
  }
  if (smallDisk) unmountSmallDisk(dataDir);
  // Logs stay under .data/test/faults-*/logs for a failed run's post-mortem; the services' data goes.
  if (stateDir) for (const dir of ['postgres', 'redis', 'temporal', 'data']) rmSync(join(stateDir, dir), { recursive: true, force: true });
}, 120_000);

/** A department with a webhook of its own, and `profile.items` items whose timers fall due inside [windowStart, windowStart + outage]. */
async function launchItems(label: string, windowStart: number): Promise<{ launched: LaunchedItem[]; hookPath: string }> {
  const [dept] = await database.db.insert(departments).values({ name: uniqueName(label), nameEn: uniqueName(label) }).returning({ id: departments.id });
  await createUser('department', dept!.id);
  const hookPath = `/${uniqueName(label)}`;
  await insertWebhook(database.db, { departmentId: dept!.id, kind: 'generic', url: `${receiver.url}${hookPath}`, secret: 'faults-secret' });
  const span = profile.outageMs - 2_000;
  const warnSeconds = Math.ceil(profile.outageMs / 2_000);
  const answers = await inParallel(Array.from({ length: profile.items }), profile.launchConcurrency, async (_, i) => {
    const dueAt = windowStart + 1_000 + Math.round((i * span) / profile.items);
    const body = launchBody(leaderId, [{ departmentId: dept!.id, role: 'lead' }], {
      title: `故障演练 ${label} ${i}`,
      dueAt: new Date(dueAt).toISOString(),
      warnBefore: `PT${warnSeconds}S`,
      signWithin: `PT${Math.max(1, Math.round((dueAt - Date.now()) / 1000))}S`,
    });
    return submitOnce(cluster!.url, '/api/items', supervisorToken, body);
  });
  expect(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${JSON.stringify(a.body)}`), 'every launch before the fault is accepted').toEqual([]);
  const launched = answers.map((a) => ({ itemId: a.body.id as string, taskId: a.body.tasks[0].id as string }));
  return { launched, hookPath };
}

/** Waits until every task's workflow has projected its row (it runs and is green) or the window has begun. */
async function untilTasksRun(launched: LaunchedItem[], windowStart: number) {
  const ids = launched.map((l) => l.taskId);
  while (Date.now() < windowStart) {
    const running = await database.db.select({ id: tasks.id }).from(tasks).where(inArray(tasks.id, ids));
    if (running.length === ids.length) return;
    await sleep(250);
  }
}

/** Jobs of the notifications queue still to run: waiting, delayed, or held by a worker (a killed one's, until BullMQ takes it back). */
async function notificationsPending(): Promise<number> {
  const queue = new Queue(queueNames.notifications, { connection: { url: redis.url, maxRetriesPerRequest: 1 }, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
  try {
    const counts = await queue.getJobCounts('active', 'wait', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

/**
 * Waits (at most 2 minutes) until every task's row shows red, the notifications queue has nothing
 * left to run (a job a killed worker held counts until another takes it and finishes), and the
 * receiver has been quiet for 3 s.
 */
async function settle(launched: LaunchedItem[], hookPath: string) {
  const deadline = Date.now() + 120_000;
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const count = receiver.received.filter((d) => d.path === hookPath).length;
    if (count !== last) [last, quietSince] = [count, Date.now()];
    const reds = await database.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(inArray(tasks.id, launched.map((l) => l.taskId)), eq(tasks.light, 'red')));
    if (reds.length === launched.length && Date.now() - quietSince > 3_000 && (await notificationsPending()) === 0) return;
    await sleep(500);
  }
  console.log(`[faults] settle: after 2 minutes ${await notificationsPending()} notification jobs still to run`);
}

/**
 * Waits (at most 60 s) until every task's read-model row has the version its workflow has: a change
 * made during an outage is projected by a retry after it (at most the retry's 10 s cap later), and
 * only then does the read model agree with Temporal.
 */
async function untilProjected(launched: LaunchedItem[]) {
  const deadline = Date.now() + 60_000;
  const ids = launched.map((l) => l.taskId);
  for (;;) {
    const rows = await database.db.select({ id: tasks.id, version: tasks.version }).from(tasks).where(inArray(tasks.id, ids));
    const projected = new Map(rows.map((r) => [r.id, r.version]));
    const behind = await inParallel(ids, 8, async (id) => {
      const state = await client.workflow.getHandle(taskWorkflowId(id)).query(taskStateQuery);
      return projected.get(id) === state.version ? null : `${id}: read model v${projected.get(id)}, workflow v${state.version}`;
    });
    const lagging = behind.filter((b) => b !== null);
    if (lagging.length === 0) return;
    if (Date.now() > deadline) {
      console.log(`[faults] after 60 s the read model still lags for ${lagging.length} tasks: ${lagging.slice(0, 5).join('; ')}`);
      return;
    }
    await sleep(1_000);
  }
}

/** Launches the load, injects the fault at the window's start, checks everything, records a row. */
async function runFault(name: string, inject: (launched: LaunchedItem[]) => Promise<string[] | void>) {
  const launchBudgetMs = 8_000 + profile.items * profile.launchMsPerItem;
  const launchStarted = Date.now();
  const windowStart = launchStarted + launchBudgetMs;
  const { launched, hookPath } = await launchItems(name, windowStart);
  const launchMs = Date.now() - launchStarted;
  await untilTasksRun(launched, windowStart);
  const readyMs = Date.now() - launchStarted;
  const overran = readyMs - launchBudgetMs;
  const clients = startSubmitting(cluster!.url, supervisorToken, launched.map((l) => l.taskId), profile.clients);
  await sleep(Math.max(0, windowStart - Date.now()));
  const started = Date.now();
  const injectProblems = (await inject(launched)) ?? [];
  const faultMs = Date.now() - started;
  // The suite's own pool may hold connections a Postgres stop ended: a fresh one for the checks.
  await database.close();
  database = connectDatabase(postgres.url, { max: 4 });
  await sleep(2_000);
  await clients.stop();
  await settle(launched, hookPath);
  await untilProjected(launched);
  await sleep(3_000); // time for a doubled delivery (a retry, another worker's copy) to arrive
  const deliveries = receiver.received.filter((d) => d.path === hookPath);
  const row = await checkFault({ client, db: database.db }, { name, faultMs, launched, submissions: clients.submissions, deliveries, verify: profile.verify, dumpDir: stateDir });
  Object.assign(row, { launchMs, readyMs, launchBudgetMs });
  row.problems.push(...injectProblems);
  if (overran > 0) row.problems.unshift(`launching took ${overran} ms past the fault's start: timers fell due before it (see the launch column: a request that hung, or raise launchMsPerItem)`);
  const chain = await verifyAuditChain(database.db);
  if (!chain.ok) row.problems.push(`audit log chain broken at ${chain.firstBroken?.id}: ${chain.firstBroken?.reason}`);
  rows.push(row);
  writeFileSync(join(stateDir, `problems-${name}.txt`), [...row.problems, ...row.late].join('\n') + '\n');
  console.log(`[faults] ${faultTable([row])}`);
  // FAULTS_LATENESS_REPORTED=<fault,…>: those faults' late lights are printed, not asserted (npm test, see
  // scripts/run-tests.ts); every loss, double, refused-applied and difference is asserted all the same.
  const latenessReported = (process.env.FAULTS_LATENESS_REPORTED ?? '').split(',').includes(name);
  if (latenessReported && row.lightsLate > 0) console.log(`[faults] ${name}: ${row.lightsLate} lights late, reported only (FAULTS_LATENESS_REPORTED)`);
  expect(row.problems.slice(0, 20)).toEqual([]);
  if (!latenessReported) expect(row.late.slice(0, 20)).toEqual([]);
  expect({ lost: row.lost, doubled: row.doubled, refusedApplied: row.refusedApplied }).toEqual({ lost: 0, doubled: 0, refusedApplied: 0 });
  if (!latenessReported) expect(row.lightsLate).toBe(0);
  expect(row.applied).toBe(row.accepted);
}

const FAULT_TIMEOUT = 15 * 60_000;

describe.skipIf(!enabled)(`faults (profile ${profileName}: ${profile.items} items, ${profile.outageMs / 1000} s outages)`, () => {
  it('SIGKILL one worker, then the other, then restart both', async () => {
    await runFault('workers-killed', async () => {
      await cluster!.process('worker-a').kill('SIGKILL');
      await sleep(profile.outageMs / 2);
      await cluster!.process('worker-b').kill('SIGKILL');
      await sleep(profile.outageMs / 2);
      await Promise.all(cluster!.workers.map((w) => w.start()));
    });
  }, FAULT_TIMEOUT);

  it('restart the Temporal dev server (its SQLite file persists)', async () => {
    await runFault('temporal-restart', async () => {
      await temporal.stop();
      await sleep(profile.outageMs);
      await temporal.start();
    });
  }, FAULT_TIMEOUT);

  it('stop Postgres', async () => {
    await runFault('postgres-stopped', async () => {
      await postgres.stop();
      await sleep(profile.outageMs);
      await postgres.start();
    });
  }, FAULT_TIMEOUT);

  it('stop Redis', async () => {
    await runFault('redis-stopped', async () => {
      await redis.stop();
      await sleep(profile.outageMs);
      await redis.start();
    });
  }, FAULT_TIMEOUT);

  it('fill the disk that holds DATA_DIR while attachments are written', async (ctx) => {
    if (!smallDisk) ctx.skip(); // mounting a tmpfs needs root
    await runFault('disk-full', async (launched) => {
      const uploading = startUploading(cluster!.url, supervisorToken, launched);
      await sleep(1_000);
      await diskFullFor(dataDir, profile.outageMs);
      await sleep(2_000);
      await uploading.stop();
      const uploads = await checkUploads(database.db, dataDir, launched, uploading.uploads);
      console.log(`[faults] disk-full uploads: ${uploads.uploads}, stored ${uploads.accepted}, refused in words ${uploads.refused}`);
      return uploads.problems;
    });
  }, FAULT_TIMEOUT);

  it('restart one API process behind the balancer', async () => {
    await runFault('api-restart', async () => {
      await cluster!.process('api-a').restart();
    });
  }, FAULT_TIMEOUT);
});
