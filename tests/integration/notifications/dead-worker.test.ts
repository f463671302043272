// A notification job held by a worker process that died (SIGKILL: no completion, no lock renewal)
// is taken again by a live processor and delivered, soon enough that the red light it announces is
// still news: BullMQ's defaults (30 s lock, a stall check every 30 s) left it up to a minute.
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { queueNames } from '../../../jobs/queues';
import { connectRedis } from '../../../jobs/redis';
import { startNotificationProcessors } from '../../../jobs/run-processors';
import { fastRetries, settle, waitFor } from './support/pipeline';
import { requestFor } from './support/requests';
import { scriptedWebhooks } from './support/scripted-webhooks';

const web = scriptedWebhooks({ secret: 'dead-worker-secret', pipeline: { processors: false } });
let live: ReturnType<typeof startNotificationProcessors> | undefined;
let deadConnection: ReturnType<typeof connectRedis>;
let dead: Worker | undefined;

beforeAll(() => {
  deadConnection = connectRedis(web.pipeline.config.REDIS_URL);
});
afterAll(async () => {
  await live?.close();
  await dead?.close(true);
  deadConnection.disconnect();
});

describe('a notification job whose worker died', () => {
  it('is delivered once by another processor within about 20 s of its worker dying', async () => {
    const { org } = await web.orgWithWebhook('/red');
    const request = requestFor(org, { event: 'red', urgent: true });
    await enqueueNotification(web.pipeline.queues, request);

    // The worker that dies: it takes the job (a 15 s lock, as the processors hold it) and then never
    // answers again, as a process killed mid-job.
    dead = new Worker(queueNames.notifications, null, { connection: deadConnection, prefix: web.pipeline.config.QUEUE_PREFIX, lockDuration: 15_000, autorun: false });
    const taken = await dead.getNextJob('dead-worker-token');
    expect(taken?.id).toBe(request.dedupeKey);
    const diedAt = Date.now();

    live = startNotificationProcessors({ config: web.pipeline.config, db: web.pipeline.db, queues: web.pipeline.queues, mailer: null, delivery: fastRetries });
    const [hit] = await waitFor(async () => (web.hitsOn('/red').length ? web.hitsOn('/red') : null), 40_000, 'the red light to be delivered');
    expect(hit!.body).toMatchObject({ event: 'red', taskId: request.taskId });
    expect(hit!.receivedAt - diedAt).toBeLessThan(25_000);
    await settle(1_500);
    expect(web.hitsOn('/red')).toHaveLength(1);
    const [delivery] = await web.pipeline.deliveriesByKey(request.dedupeKey);
    expect(delivery).toMatchObject({ channel: 'webhook', status: 'sent' });
  }, 60_000);
});
