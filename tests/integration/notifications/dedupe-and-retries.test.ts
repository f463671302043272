import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { settle, waitFor } from './support/pipeline';
import { scriptedWebhooks } from './support/scripted-webhooks';
import { requestFor } from './support/requests';

const web = scriptedWebhooks({ secret: 'generic-secret' });
const { scripted, hitsOn, orgWithWebhook } = web;


describe('delivered at most once per channel and recipient', () => {
  it('the same request enqueued many times (a retried activity) is delivered once to each inbox and webhook', async () => {
    const { org } = await orgWithWebhook('/once');
    const request = requestFor(org, { event: 'assigned' });
    const results = await Promise.all([1, 2, 3, 4].map(() => enqueueNotification(web.pipeline.queues, request)));
    expect(new Set(results.map((r) => r.jobId))).toEqual(new Set([request.dedupeKey]));

    await waitFor(async () => hitsOn('/once').length === 1, 15_000, 'the webhook');
    // Later retries, once the first job has completed, are still no-ops.
    await enqueueNotification(web.pipeline.queues, request);
    await settle();
    expect(hitsOn('/once')).toHaveLength(1);
    const inbox = await web.pipeline.inboxByKey(request.dedupeKey);
    expect(inbox.map((r) => r.userId).sort()).toEqual([...org.staff, org.departmentLeader].sort());
    const deliveries = await web.pipeline.deliveriesByKey(request.dedupeKey);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ channel: 'webhook', status: 'sent', attempts: 1, lastError: null });
  });

  it('a fan-out job that runs again (its job retried after a crash) creates no second delivery', async () => {
    const { org } = await orgWithWebhook('/refan');
    const request = requestFor(org, { event: 'yellow' });
    // Two distinct jobs carrying the same request stand in for a job BullMQ ran twice.
    await web.pipeline.queues.notifications.add(request.event, request, { jobId: `${request.dedupeKey}-copy` });
    await enqueueNotification(web.pipeline.queues, request);
    await waitFor(async () => hitsOn('/refan').length >= 1, 15_000, 'the webhook');
    await settle();
    expect(hitsOn('/refan')).toHaveLength(1);
    expect(await web.pipeline.inboxByKey(request.dedupeKey)).toHaveLength(3);
  });

  it('the webhook body is signed with HMAC-SHA256 over timestamp and body', async () => {
    const { org } = await orgWithWebhook('/signed');
    const request = requestFor(org, { event: 'red', urgent: true });
    await enqueueNotification(web.pipeline.queues, request);
    const [hit] = await waitFor(async () => (hitsOn('/signed').length ? hitsOn('/signed') : null), 15_000, 'the webhook');
    const timestamp = hit!.headers['x-supervision-timestamp'] as string;
    const expected = 'sha256=' + createHmac('sha256', 'generic-secret').update(`${timestamp}.${hit!.raw}`).digest('hex');
    expect(hit!.headers['x-supervision-signature']).toBe(expected);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(hit!.body).toMatchObject({ event: 'red', urgent: true, item: { id: request.itemId, title: request.itemTitle }, taskId: request.taskId });
    expect(hit!.headers['x-supervision-delivery']).toBe((hit!.body as { id: string }).id);
  });
});

describe('retries with backoff, and a visible failed state', () => {
  it('retries a failing webhook with backoff and delivers it once when the receiver recovers', async () => {
    const { org } = await orgWithWebhook('/flaky');
    scripted.set('/flaky', (n) => (n < 2 ? 500 : 200));
    const request = requestFor(org, { event: 'assigned' });
    await enqueueNotification(web.pipeline.queues, request);
    const [delivery] = await waitFor(async () => {
      const rows = await web.pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.status === 'sent' ? rows : null;
    }, 20_000, 'the delivery to be sent');
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    const hits = hitsOn('/flaky');
    expect(hits).toHaveLength(3);
    // Exponential backoff: the second wait is longer than the first (100 ms, then 200 ms).
    expect(hits[1]!.receivedAt - hits[0]!.receivedAt).toBeGreaterThanOrEqual(90);
    expect(hits[2]!.receivedAt - hits[1]!.receivedAt).toBeGreaterThanOrEqual(190);
    expect(new Set(hits.map((h) => (h.body as { id: string }).id)).size).toBe(1);
  });

  it('a delivery that keeps failing ends failed with its error, in the ledger and in BullMQ failed set', async () => {
    const { org } = await orgWithWebhook('/down');
    scripted.set('/down', () => 500);
    const request = requestFor(org, { event: 'assigned' });
    await enqueueNotification(web.pipeline.queues, request);
    const [delivery] = await waitFor(async () => {
      const rows = await web.pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.status === 'failed' ? rows : null;
    }, 20_000, 'the delivery to fail');
    expect(delivery!.attempts).toBe(3);
    expect(delivery!.lastError).toMatch(/answered 500/);
    const failed = await web.pipeline.queues.notifications.getFailed();
    const job = failed.find((j) => j.id === `deliver-${delivery!.id}`);
    expect(job).toBeDefined();
    // The first of the 3 tries was the fan-out's own; the deliver job made the other 2.
    expect(job!.attemptsMade).toBe(2);
    expect(job!.failedReason).toMatch(/answered 500/);
    // The inbox still got it: one channel failing never loses the others.
    expect(await web.pipeline.inboxByKey(request.dedupeKey)).toHaveLength(3);
  });

  it('a 4xx answer is permanent: failed at once, no retries', async () => {
    const { org } = await orgWithWebhook('/gone');
    scripted.set('/gone', () => 404);
    const request = requestFor(org, { event: 'assigned' });
    await enqueueNotification(web.pipeline.queues, request);
    const [delivery] = await waitFor(async () => {
      const rows = await web.pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.status === 'failed' ? rows : null;
    }, 15_000, 'the delivery to fail');
    expect(delivery!.attempts).toBe(1);
    expect(delivery!.lastError).toMatch(/answered 404/);
  });

  it('a malformed payload fails its job at once as unrecoverable, visible in the failed set', async () => {
    const job = await web.pipeline.queues.notifications.add('red', { dedupeKey: 'broken', event: 'red' }, { jobId: `broken-${Date.now()}`, attempts: 5 });
    const failed = await waitFor(async () => ((await job.getState()) === 'failed' ? web.pipeline.queues.notifications.getJob(job.id!) : null), 15_000, 'the job to fail');
    expect(failed!.attemptsMade).toBe(1);
    expect(failed!.failedReason).toMatch(/invalid red payload/);
  });
});
