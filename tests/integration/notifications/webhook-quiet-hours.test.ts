import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { insertWebhook, listDeliveries, upsertPreferences } from '../../../db/queries/notifications';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { shiftedClock } from './support/clock';
import { settle, waitFor } from './support/pipeline';
import { requestFor } from './support/requests';
import { scriptedWebhooks } from './support/scripted-webhooks';
import type { ReceivedRequest } from './support/receivers';

const secret = 'quiet-hours-secret';
const clock = shiftedClock();
const web = scriptedWebhooks({ pipeline: { now: clock.now }, secret });
const { scripted, hitsOn, orgWithWebhook } = web;
afterEach(() => clock.reset());

type WecomBody = { msgtype: string; markdown: { content: string } };
type DingtalkBody = { msgtype: string; markdown: { title: string; text: string } };
type GenericDigest = { id: string; event: string; urgent: boolean; subject: string; items: Array<{ item: { title: string } }>; heldUntil: string };

const heldOf = async (requestKey: string) => (await listDeliveries(web.pipeline.db, { status: 'held', requestKey }, { page: 1, pageSize: 10 })).items;
const genericSignatureOk = (hit: ReceivedRequest) =>
  hit.headers['x-supervision-signature'] === 'sha256=' + createHmac('sha256', secret).update(`${hit.headers['x-supervision-timestamp'] as string}.${hit.raw}`).digest('hex');

describe("a department's quiet hours and daily digest hold its webhooks and group robots", () => {
  it('holds what is not urgent during quiet hours and posts one digest to each robot when they end; red lights and urges go out at once', async () => {
    const { turn, turnsAt, hourBefore } = clock.standBeforeMinute(10);
    const { org } = await orgWithWebhook('/quiet-generic');
    const robotSecret = 'SEC-quiet-dingtalk';
    await insertWebhook(web.pipeline.db, { departmentId: org.department.id, kind: 'wecom', url: `${web.receiver.url}/quiet-wecom?key=k1` });
    await insertWebhook(web.pipeline.db, { departmentId: org.department.id, kind: 'dingtalk', url: `${web.receiver.url}/quiet-dingtalk?access_token=t1`, secret: robotSecret });
    await upsertPreferences(web.pipeline.db, { departmentId: org.department.id }, { quietStart: hourBefore, quietEnd: turnsAt }, new Date());
    // Another department, without quiet hours: its robot is not held.
    const { org: awake } = await orgWithWebhook('/awake');

    const assigned = requestFor(org, { event: 'assigned', itemTitle: '事项一' });
    const yellow = requestFor(org, { event: 'yellow', itemTitle: '事项二' });
    const red = requestFor(org, { event: 'red', urgent: true, itemTitle: '事项三' });
    // Urges are always urgent, whatever the request says.
    const urged = requestFor(org, { event: 'urged', urgent: false, itemTitle: '事项四', message: '请今日反馈' });
    const elsewhere = requestFor(awake, { event: 'assigned', itemTitle: '别处事项' });
    for (const request of [assigned, yellow, red, urged, elsewhere]) await enqueueNotification(web.pipeline.queues, request);

    const paths = ['/quiet-generic', '/quiet-wecom', '/quiet-dingtalk'];
    await waitFor(async () => paths.every((p) => hitsOn(p).length === 2) && hitsOn('/awake').length === 1, 8_000, 'the red light, the urge and the other department');
    expect(clock.now().getTime()).toBeLessThan(turn.getTime()); // they came while quiet hours lasted
    const wecomNow = hitsOn('/quiet-wecom').map((h) => (h.body as WecomBody).markdown.content);
    expect(wecomNow.some((c) => c.includes('【红灯督办】') && c.includes('事项三'))).toBe(true);
    expect(wecomNow.some((c) => c.includes('【催办】') && c.includes('事项四'))).toBe(true);
    expect((hitsOn('/awake')[0]!.body as { subject: string }).subject).toContain('别处事项');

    // Held, and visible as such in the ledger (what GET /api/notification-deliveries?status=held lists); the inbox has them already.
    for (const request of [assigned, yellow]) {
      const held = await heldOf(request.dedupeKey);
      expect(held).toHaveLength(3);
      for (const row of held) expect(row).toMatchObject({ channel: 'webhook', status: 'held', heldUntil: turn, attempts: 0 });
      expect(await web.pipeline.inboxByKey(request.dedupeKey)).toHaveLength(3);
    }
    // (A post reaches the receiver a moment before it is recorded as sent.)
    await waitFor(async () => (await web.pipeline.deliveriesByKey(urged.dedupeKey)).every((d) => d.status === 'sent'), 5_000, 'the urge marked sent');
    expect((await web.pipeline.inboxByKey(urged.dedupeKey)).every((row) => row.urgent)).toBe(true);

    // When quiet hours end: one digest per robot, in its own format, listing both held notifications.
    await waitFor(async () => paths.every((p) => hitsOn(p).length === 3), 20_000, 'the digests');
    const wecom = hitsOn('/quiet-wecom')[2]!;
    expect(wecom.query.get('key')).toBe('k1');
    const wecomBody = wecom.body as WecomBody;
    expect(Object.keys(wecomBody)).toEqual(['msgtype', 'markdown']);
    expect(wecomBody.msgtype).toBe('markdown');
    expect(wecomBody.markdown.content.split('\n').slice(0, 2)).toEqual(['**【督查督办汇总】共 2 条通知**', '> 以下非紧急通知在免打扰时段内或每日汇总前暂缓推送：']);
    // Listed in the order they were written (the two may share one statement, so either order).
    const listed = wecomBody.markdown.content.split('\n').slice(3).map((line) => line.replace(/^\d\. /, ''));
    expect(listed.sort()).toEqual([`【新任务】${org.department.name}：请办理“事项一”`, `【黄灯预警】${org.department.name}：“事项二”临近办理期限，请抓紧办理`].sort());
    expect(wecomBody.markdown.content).not.toContain('事项三');

    const dingtalk = hitsOn('/quiet-dingtalk')[2]!;
    const timestamp = dingtalk.query.get('timestamp')!;
    expect(dingtalk.query.get('access_token')).toBe('t1');
    expect(dingtalk.query.get('sign')).toBe(createHmac('sha256', robotSecret).update(`${timestamp}\n${robotSecret}`).digest('base64'));
    const dingtalkBody = dingtalk.body as DingtalkBody;
    expect(dingtalkBody.msgtype).toBe('markdown');
    expect(dingtalkBody.markdown.title).toBe('【督查督办汇总】共 2 条通知');
    expect(dingtalkBody.markdown.text).toContain('“事项一”');
    expect(dingtalkBody.markdown.text).toContain('“事项二”');

    const generic = hitsOn('/quiet-generic')[2]!;
    expect(genericSignatureOk(generic)).toBe(true);
    const genericBody = generic.body as GenericDigest;
    expect(genericBody).toMatchObject({ event: 'digest', urgent: false, subject: '【督查督办汇总】共 2 条通知', heldUntil: turn.toISOString() });
    expect(genericBody.items.map((i) => i.item.title).sort()).toEqual(['事项一', '事项二']);
    expect(generic.headers['x-supervision-delivery']).toBe(genericBody.id);

    // Each held delivery went out once, in its robot's one digest, after quiet hours ended.
    const sent = await waitFor(async () => {
      const rows = (await Promise.all([assigned, yellow].map((r) => web.pipeline.deliveriesByKey(r.dedupeKey)))).flat();
      return rows.every((row) => row.status === 'sent') ? rows : null;
    }, 5_000, 'the held deliveries marked sent');
    expect(sent).toHaveLength(6);
    for (const row of sent) {
      expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect(row.sentAt!.getTime()).toBeGreaterThanOrEqual(turn.getTime());
    }
    expect(new Set(sent.map((row) => `${row.webhookId} ${row.digestKey}`)).size).toBe(3);
    await settle(1500);
    for (const path of paths) expect(hitsOn(path)).toHaveLength(3);
    expect(hitsOn('/awake')).toHaveLength(1);
  }, 40_000);

  it('with a daily digest time, a digest whose post fails is retried and goes out once; its other jobs and a rerun post nothing', async () => {
    const { turn, turnsAt } = clock.standBeforeMinute(10);
    const { org, webhookId } = await orgWithWebhook('/daily');
    await upsertPreferences(web.pipeline.db, { departmentId: org.department.id }, { digestTime: turnsAt }, new Date());
    // The receiver fails the digest's first post.
    scripted.set('/daily', (n) => (n === 0 ? 503 : 200));
    const requests = ['日报一', '日报二', '日报三'].map((itemTitle) => requestFor(org, { event: 'assigned', itemTitle }));
    for (const request of requests) await enqueueNotification(web.pipeline.queues, request);

    const held = await waitFor(async () => {
      const rows = (await Promise.all(requests.map((r) => heldOf(r.dedupeKey)))).flat();
      return rows.length === 3 ? rows : null;
    }, 8_000, 'three held deliveries');
    expect(held.every((row) => row.webhookId === webhookId && row.heldUntil?.getTime() === turn.getTime())).toBe(true);
    expect(hitsOn('/daily')).toHaveLength(0);

    const sent = await waitFor(async () => {
      const rows = (await Promise.all(requests.map((r) => web.pipeline.deliveriesByKey(r.dedupeKey)))).flat();
      return rows.every((row) => row.status === 'sent') ? rows : null;
    }, 25_000, 'the digest to be sent');
    const hits = hitsOn('/daily');
    expect(hits).toHaveLength(2);
    // The retry posted the same digest (same delivery id, same three items); the group saw it once.
    expect(hits.map((h) => h.headers['x-supervision-delivery'])).toEqual([sent[0]!.digestKey, sent[0]!.digestKey]);
    for (const hit of hits) expect((hit.body as GenericDigest).items.map((i) => i.item.title).sort()).toEqual(['日报一', '日报三', '日报二'].sort());
    for (const row of sent) expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null, digestKey: sent[0]!.digestKey });

    // One digest job per held delivery: one carried all three, the others found them taken.
    const jobs = await waitFor(async () => {
      const found = await Promise.all(held.map((row) => web.pipeline.queues.notifications.getJob(`digest-${row.id}`)));
      return found.every((job) => job?.finishedOn) ? found : null;
    }, 5_000, 'the three digest jobs to finish');
    expect(jobs.map((job) => (job!.returnvalue as { sent: number }).sent).sort()).toEqual([0, 0, 3]);
    // A digest job run again once it has gone out finds nothing to send.
    const rerun = await web.pipeline.queues.notifications.add('digest', { deliveryId: held[0]!.id }, { jobId: `digest-${held[0]!.id}-rerun` });
    await waitFor(async () => (await rerun.getState()) === 'completed', 10_000, 'the rerun');
    expect((await web.pipeline.queues.notifications.getJob(rerun.id!))!.returnvalue).toEqual({ sent: 0 });
    await settle(1000);
    expect(hitsOn('/daily')).toHaveLength(2);
  }, 45_000);
});
