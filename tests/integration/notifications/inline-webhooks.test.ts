import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeInboxAndLedger } from '../../../db/queries/notifications-fan-out';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { settle, waitFor } from './support/pipeline';
import { scriptedWebhooks } from './support/scripted-webhooks';
import { requestFor } from './support/requests';

/** A backoff long enough to watch a delivery between its first (inline) try and its retry. */
const backoffMs = 1500;
const webhookTimeoutMs = 1000;

const web = scriptedWebhooks({ pipeline: { delivery: { attempts: 3, backoffMs, webhookTimeoutMs } }, secret: 'inline-secret' });
const { scripted, hitsOn, orgWithWebhook } = web;

describe('a burst of notifications, written together', () => {
  it('every request gets each of its inbox rows and its webhook exactly once, whatever batch it shared', async () => {
    // Three departments, so the shared statements mix requests with different recipients and webhooks.
    const orgs = await Promise.all(['/burst-a', '/burst-b', '/burst-c'].map(async (path) => ({ path, ...(await orgWithWebhook(path)) })));
    const requests = orgs.flatMap(({ org, path }) => Array.from({ length: 20 }, (_, i) => ({ path, org, request: requestFor(org, { event: 'assigned', itemTitle: `批量事项 ${path} ${i}` }) })));
    await Promise.all(requests.map(({ request }) => enqueueNotification(web.pipeline.queues, request)));

    await waitFor(async () => orgs.every(({ path }) => hitsOn(path).length >= 20), 30_000, 'every webhook');
    await settle();
    for (const { path } of orgs) expect(hitsOn(path)).toHaveLength(20);
    for (const { org, path, request } of requests) {
      const inbox = await web.pipeline.inboxByKey(request.dedupeKey);
      expect(inbox.map((r) => r.userId).sort()).toEqual([...org.staff, org.departmentLeader].sort());
      for (const row of inbox) expect(row.subject).toContain(request.itemTitle);
      const [delivery, ...more] = await waitFor(async () => {
        const rows = await web.pipeline.deliveriesByKey(request.dedupeKey);
        return rows[0]?.status === 'sent' ? rows : null;
      }, 10_000, 'the delivery to be marked sent');
      expect(more).toHaveLength(0);
      expect(delivery).toMatchObject({ channel: 'webhook', status: 'sent', attempts: 1, lastError: null });
      const posted = hitsOn(path).filter((hit) => hit.headers['x-supervision-delivery'] === delivery!.id);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.body).toMatchObject({ item: { title: request.itemTitle }, taskId: request.taskId });
    }
  });
});

describe('the first webhook try is made by the fan-out itself', () => {
  it('a first try that fails is recorded and handed to a deliver job, which retries it after the backoff', async () => {
    const { org } = await orgWithWebhook('/first-fails');
    scripted.set('/first-fails', (n) => (n === 0 ? 503 : 200));
    const request = requestFor(org, { event: 'assigned' });
    await enqueueNotification(web.pipeline.queues, request);

    // Between the tries: the failure is visible on the delivery, and its retry waits as a deliver job.
    const [pending] = await waitFor(async () => {
      const rows = await web.pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.attempts === 1 ? rows : null;
    }, 15_000, 'the failed first try');
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending!.lastError).toMatch(/answered 503/);
    const retry = await web.pipeline.queues.notifications.getJob(`deliver-${pending!.id}`);
    expect(retry).toBeDefined();
    expect(await retry!.getState()).toBe('delayed');
    expect(await web.pipeline.inboxByKey(request.dedupeKey)).toHaveLength(3);

    const [sent] = await waitFor(async () => {
      const rows = await web.pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.status === 'sent' ? rows : null;
    }, 15_000, 'the retry to deliver it');
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    const hits = hitsOn('/first-fails');
    expect(hits).toHaveLength(2);
    expect(hits[1]!.receivedAt - hits[0]!.receivedAt).toBeGreaterThanOrEqual(backoffMs - 10);
    expect(hits.map((h) => h.headers['x-supervision-delivery'])).toEqual([pending!.id, pending!.id]);
  });

  it('a delivery left open by a run that crashed before its first try still goes out, once, after that try could have ended', async () => {
    const { org, webhookId } = await orgWithWebhook('/orphan');
    const request = requestFor(org, { event: 'yellow' });
    // What the crashed run left: its ledger row (it owns the first try), nothing sent.
    const orphanId = randomUUID();
    await writeInboxAndLedger(web.pipeline.db, [
      {
        inbox: [],
        deliveries: [
          {
            id: orphanId,
            dedupeKey: `${request.dedupeKey}/webhook/${webhookId}`,
            requestKey: request.dedupeKey,
            channel: 'webhook',
            webhookId,
            target: `${web.receiver.url}/orphan`,
            subject: '黄灯预警',
            body: '黄灯预警',
            payload: { id: orphanId, event: 'yellow' },
          },
        ],
      },
    ]);
    const enqueuedAt = Date.now();
    await enqueueNotification(web.pipeline.queues, request);

    await waitFor(async () => (await web.pipeline.inboxByKey(request.dedupeKey)).length === 3, 15_000, 'the inbox rows');
    const [hit] = await waitFor(async () => (hitsOn('/orphan').length ? hitsOn('/orphan') : null), 20_000, 'the orphaned webhook');
    // Not before the crashed run's own try would have timed out: no race with a run that is only slow.
    expect(hit!.receivedAt - enqueuedAt).toBeGreaterThanOrEqual(webhookTimeoutMs + backoffMs - 10);
    expect(hit!.headers['x-supervision-delivery']).toBe(orphanId);
    await settle();
    expect(hitsOn('/orphan')).toHaveLength(1);
    const deliveries = await web.pipeline.deliveriesByKey(request.dedupeKey);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ id: orphanId, status: 'sent', attempts: 1 });
  });
});
