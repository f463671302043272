/**
 * 10,000 notifications through the inbox and webhook channels, next to BullMQ's own throughput for
 * empty jobs on the same Redis, with the same worker concurrency, in the same process.
 *
 *   npx tsx bench/notifications.ts [count] [concurrency]
 *
 * Each notification: enqueueNotification → fan-out job (recipients; 3 inbox rows + the delivery
 * ledger written in one statement shared with the other jobs running at the time) → first try of the
 * signed webhook POST to a local HTTP receiver, inside the fan-out job (a `deliver` job only if it
 * fails).
 *
 * A delivery is one inbox row committed (3 per notification: two staff and the leader) or one webhook
 * POST received by the receiver (1 per notification), so 4 deliveries per notification and per
 * fan-out job. Both ratios are printed: per notification (notifications/s ÷ empty jobs/s, one BullMQ
 * job each — the like-for-like figure) and per delivery (deliveries/s ÷ empty jobs/s).
 *
 * Latencies, from just before each enqueue: to its inbox rows' commit (the fan-out's write statement
 * returned; timed by wrapping the processor's shared inbox write) and to the webhook's arrival at the
 * receiver. The worker is built as jobs/run-processors.ts builds it, around that wrapped write.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { and, eq, gt, inArray } from 'drizzle-orm';
import { loadConfig } from '../config/env';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { insertWebhook } from '../db/queries/notifications';
import { notificationDeliveries, notifications } from '../db/schema/notifications';
import { departments, users } from '../db/schema/org';
import { createNotificationBatches } from '../jobs/notifications/batches';
import { defaultDeliveryPolicy } from '../jobs/notifications/deps';
import { enqueueNotification } from '../jobs/notifications/enqueue';
import { parseAllowList } from '../jobs/notifications/channels/outbound-address';
import { createNotificationProcessor } from '../jobs/notifications/processor';
import { notificationDedupeKey } from '../jobs/notifications/request';
import { createQueues, queueNames } from '../jobs/queues';
import { connectRedis } from '../jobs/redis';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';

const count = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 50);
/** How many enqueues are in flight at once (callers: activities across workflows). */
const enqueueParallelism = 200;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** BullMQ alone: empty jobs, same enqueue pattern and worker concurrency. */
async function baseline(redisUrl: string, prefix: string) {
  const connection = connectRedis(redisUrl);
  const workerConnection = connectRedis(redisUrl);
  const queue = new Queue('bench-empty', { connection, prefix });
  const latencies: number[] = [];
  let done = 0;
  let resolveAll!: () => void;
  const allDone = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker(
    'bench-empty',
    async (job) => {
      latencies.push(Date.now() - (job.data as { t: number }).t);
      if (++done === count) resolveAll();
    },
    { connection: workerConnection, prefix, concurrency, removeOnComplete: { count: 1000 } },
  );
  await worker.waitUntilReady();
  const started = Date.now();
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    enqueueParallelism,
    (i) => queue.add('empty', { t: Date.now() }, { jobId: `empty-${i}` }),
  );
  await allDone;
  const seconds = (Date.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  latencies.sort((a, b) => a - b);
  return { perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), seconds };
}

async function main() {
  const log = (line: string) => console.log(line);
  const [postgres, redis] = await Promise.all([resolvePostgres({ databaseName: 'supervision_bench', log }), resolveRedis(log)]);
  await runMigrations(postgres.url);
  const config = loadConfig({
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    LOG_LEVEL: 'silent',
  });
  const database = connectDatabase(config.DATABASE_URL, { max: 20 });
  const db = database.db;
  // Every run deletes its rows at the end; without this (autovacuum may be off) each run would start
  // on indexes bloated by the dead rows of the runs before it.
  await database.sql`vacuum analyze notifications, notification_deliveries`;

  // One department (two staff and a leader: 3 inbox rows per notification) and one signed webhook.
  const label = randomUUID().slice(0, 8);
  const [department] = await db.insert(departments).values({ name: `压测局-${label}` }).returning();
  const staff = await db
    .insert(users)
    .values(['a', 'b', 'l'].map((s) => ({ username: `bench-${label}-${s}`, displayName: s, role: s === 'l' ? ('leader' as const) : ('department' as const), departmentId: s === 'l' ? null : department!.id, passwordHash: '-' })))
    .returning({ id: users.id });
  await db.update(departments).set({ leaderUserId: staff[2]!.id }).where(eq(departments.id, department!.id));

  const enqueuedAt = new Map<string, number>();
  const enqueuedAtByKey = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  let resolveAll!: () => void;
  const allReceived = new Promise<void>((r) => (resolveAll = r));
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { taskId: string };
      const t0 = enqueuedAt.get(body.taskId);
      if (t0 !== undefined) latencies.push(Date.now() - t0);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (++received === count) resolveAll();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const webhook = await insertWebhook(db, {
    departmentId: department!.id,
    kind: 'generic',
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    secret: 'bench-secret',
  });

  log(`bench: ${fmt(count)} notifications, worker concurrency ${concurrency}, Redis ${redis.url}, Postgres ${new URL(postgres.url).host}`);
  const empty = await baseline(redis.url, config.QUEUE_PREFIX);
  log(`BullMQ empty jobs (baseline): ${fmt(empty.perSecond)} jobs/s   p50 ${empty.p50} ms   p99 ${empty.p99} ms   (${empty.seconds.toFixed(1)} s)`);

  const redisConnection = connectRedis(config.REDIS_URL);
  const queues = createQueues(redisConnection, config.QUEUE_PREFIX);
  // The processor's shared inbox + ledger write, timed: when its statement returns, the rows are committed.
  const inboxCommittedAt = new Map<string, number>();
  const batches = createNotificationBatches(db);
  const write = batches.inboxAndLedger.submit.bind(batches.inboxAndLedger);
  batches.inboxAndLedger.submit = async (rows) => {
    const created = await write(rows);
    const key = rows.inbox[0]?.dedupeKey;
    if (key && !inboxCommittedAt.has(key)) inboxCommittedAt.set(key, Date.now());
    return created;
  };
  const workerConnection = connectRedis(config.REDIS_URL);
  const worker = new Worker(
    queueNames.notifications,
    // The bench's receiver is local: allowed as an admin would allow an intranet host.
    createNotificationProcessor({ db, queues, mailer: null, now: () => new Date(), delivery: defaultDeliveryPolicy, batches, webhookAllowList: parseAllowList('127.0.0.1') }),
    { connection: workerConnection, prefix: config.QUEUE_PREFIX, concurrency },
  );
  await worker.waitUntilReady();
  const durations: Record<string, number[]> = {};
  worker.on('completed', (job) => {
    const kind = job.name === 'deliver' ? 'deliver' : 'fan-out';
    (durations[kind] ??= []).push((job.finishedOn ?? 0) - (job.processedOn ?? 0));
  });

  const runId = randomUUID().slice(0, 8);
  const tasks = Array.from({ length: count }, (_, i) => `bench-${runId}-${i}`);
  const started = Date.now();
  await inParallel(tasks, enqueueParallelism, async (taskId) => {
    const dedupeKey = notificationDedupeKey(taskId, 1);
    const t0 = Date.now();
    enqueuedAt.set(taskId, t0);
    enqueuedAtByKey.set(dedupeKey, t0);
    await enqueueNotification(queues, {
      dedupeKey,
      event: 'assigned',
      urgent: false,
      itemId: taskId,
      itemTitle: '压测事项',
      taskId,
      departmentId: department!.id,
      occurredAt: new Date().toISOString(),
    });
  });
  const enqueueSeconds = (Date.now() - started) / 1000;
  await allReceived;
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const inboxLatencies = [...inboxCommittedAt].map(([key, at]) => at - (enqueuedAtByKey.get(key) ?? at)).sort((a, b) => a - b);
  for (const [kind, times] of Object.entries(durations)) {
    times.sort((a, b) => a - b);
    log(`  ${kind} job time: p50 ${percentile(times, 50)} ms, p99 ${percentile(times, 99)} ms`);
  }

  // Check the inbox got every one, exactly once per recipient (written before each webhook went out).
  const inboxRows = await db.$count(notifications, inArray(notifications.userId, staff.map((s) => s.id)));
  const perSecond = count / seconds;
  const deliveries = inboxRows + received;
  const deliveriesPerSecond = deliveries / seconds;
  const perDelivery = deliveriesPerSecond / empty.perSecond;
  const perNotification = perSecond / empty.perSecond;
  log(`notifications: ${fmt(count)} in ${seconds.toFixed(1)} s (enqueued in ${enqueueSeconds.toFixed(1)} s) = ${fmt(perSecond)} notifications/s`);
  log(`deliveries (an inbox row committed, or a webhook POST received): ${fmt(inboxRows)} inbox rows + ${fmt(received)} webhook posts = ${fmt(deliveries)} = ${fmt(deliveriesPerSecond)} deliveries/s`);
  log(`latency from enqueue: inbox rows committed p50 ${percentile(inboxLatencies, 50)} ms, p99 ${percentile(inboxLatencies, 99)} ms (${fmt(inboxLatencies.length)} timed); webhook received p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
  log(`ratio per notification (notifications/s ÷ empty jobs/s, one BullMQ job each): ${perNotification.toFixed(2)}   ${perNotification >= 0.5 ? '≥' : '<'} 0.5`);
  log(`ratio per delivery (deliveries/s ÷ empty jobs/s, ${(deliveries / count).toFixed(0)} deliveries per job): ${perDelivery.toFixed(2)}   ${perDelivery >= 0.5 ? '≥' : '<'} 0.5`);

  // Closing waits for the jobs still marking their last deliveries sent; then the ledger must show every one.
  await worker.close();
  workerConnection.disconnect();
  const sent = await db.$count(notificationDeliveries, and(eq(notificationDeliveries.webhookId, webhook.id), eq(notificationDeliveries.status, 'sent')));
  const retried = await db.$count(notificationDeliveries, and(eq(notificationDeliveries.webhookId, webhook.id), gt(notificationDeliveries.attempts, 1)));
  log(`  ledger: ${fmt(sent)} webhook deliveries sent, ${fmt(retried)} needed more than the first try`);
  if (inboxRows !== count * 3 || sent !== count || received !== count) log(`MISMATCH: inbox ${inboxRows}/${count * 3}, ledger sent ${sent}/${count}, received ${received}/${count}`);

  await queues.notifications.obliterate({ force: true });
  await queues.close();
  redisConnection.disconnect();
  receiver.close();
  // Leave the bench database clean for the next run.
  await db.delete(departments).where(eq(departments.id, department!.id)).catch(() => {});
  await db.delete(notifications).where(inArray(notifications.userId, staff.map((s) => s.id)));
  await db.delete(notificationDeliveries).where(eq(notificationDeliveries.webhookId, webhook.id));
  await database.close();
  await Promise.all([postgres.stop(), redis.stop()]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
