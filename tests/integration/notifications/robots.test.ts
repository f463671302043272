import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWebhook, upsertPreferences } from '../../../db/queries/notifications';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { createTestOrg } from './support/org';
import { settle, startPipeline, waitFor } from './support/pipeline';
import { startHttpReceiver } from './support/receivers';
import { requestFor } from './support/requests';

let pipeline: Awaited<ReturnType<typeof startPipeline>>;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;

beforeAll(async () => {
  pipeline = await startPipeline();
  receiver = await startHttpReceiver((request) =>
    // DingTalk answers 200 with a non-zero errcode when the signature is wrong.
    request.path === '/dingtalk-bad-sign' ? { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } } : { status: 200, body: { errcode: 0, errmsg: 'ok' } },
  );
});
afterAll(async () => {
  await pipeline?.close();
  await receiver?.close();
});

const hitsOn = (path: string) => receiver.received.filter((r) => r.path === path);

describe('group robots: WeCom (企业微信) and DingTalk (钉钉)', () => {
  it('posts a WeCom markdown message to the robot URL, key kept', async () => {
    const org = await createTestOrg(pipeline.db);
    await insertWebhook(pipeline.db, { departmentId: org.department.id, kind: 'wecom', url: `${receiver.url}/wecom/send?key=robot-key-1` });
    const request = requestFor(org, { event: 'red', urgent: true, itemTitle: '城市更新', reason: { code: 'overdue', zh: '已超过办理期限 2 天', en: '2 days past due' } });
    await enqueueNotification(pipeline.queues, request);
    const [hit] = await waitFor(async () => (hitsOn('/wecom/send').length ? hitsOn('/wecom/send') : null), 15_000, 'the WeCom robot');
    expect(hit!.query.get('key')).toBe('robot-key-1');
    const body = hit!.body as { msgtype: string; markdown: { content: string } };
    expect(body.msgtype).toBe('markdown');
    expect(Object.keys(body)).toEqual(['msgtype', 'markdown']);
    expect(body.markdown.content).toContain(`**【红灯督办】${org.department.name}：关于“城市更新”的事项已超过办理期限**`);
    expect(body.markdown.content).toContain('原因：已超过办理期限 2 天');
    expect(body.markdown.content).toContain('编号：DB-2026-0001');
  });

  it("signs DingTalk requests DingTalk's way (timestamp + sign query) and posts its markdown shape", async () => {
    const org = await createTestOrg(pipeline.db);
    const secret = 'SEC0123456789abcdef';
    await insertWebhook(pipeline.db, { departmentId: org.department.id, kind: 'dingtalk', url: `${receiver.url}/dingtalk/send?access_token=tok-1`, secret, language: 'en' });
    const request = requestFor(org, { event: 'urged', urgent: true, itemTitle: 'Urban renewal', message: 'Report today, please' });
    await enqueueNotification(pipeline.queues, request);
    const [hit] = await waitFor(async () => (hitsOn('/dingtalk/send').length ? hitsOn('/dingtalk/send') : null), 15_000, 'the DingTalk robot');
    expect(hit!.query.get('access_token')).toBe('tok-1');
    const timestamp = hit!.query.get('timestamp')!;
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(60_000);
    const expectedSign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(hit!.query.get('sign')).toBe(expectedSign);
    const body = hit!.body as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    // This robot was set up in English: the department's English name and plain English words.
    expect(body.markdown.title).toMatch(/^\[Urged\] Finance Bureau-\w+: please act on "Urban renewal" now$/);
    expect(body.markdown.text).toContain('Message: Report today, please');
  });

  it('treats a robot errcode as a failure, retries it, and ends failed with the errcode', async () => {
    const org = await createTestOrg(pipeline.db);
    await insertWebhook(pipeline.db, { departmentId: org.department.id, kind: 'dingtalk', url: `${receiver.url}/dingtalk-bad-sign?access_token=x`, secret: 'wrong' });
    const request = requestFor(org);
    await enqueueNotification(pipeline.queues, request);
    const [delivery] = await waitFor(async () => {
      const rows = await pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.status === 'failed' ? rows : null;
    }, 20_000, 'the delivery to fail');
    expect(delivery!.attempts).toBe(3);
    expect(delivery!.lastError).toMatch(/errcode 310000 sign not match/);
    // The access token never shows in the recorded target or error.
    expect(delivery!.target).not.toContain('access_token');
    expect(delivery!.lastError).not.toContain('access_token=x');
  });

  it('a department can switch its webhooks off; decisions for one requester never reach the group', async () => {
    const org = await createTestOrg(pipeline.db);
    await insertWebhook(pipeline.db, { departmentId: org.department.id, kind: 'wecom', url: `${receiver.url}/muted?key=k` });
    await upsertPreferences(pipeline.db, { departmentId: org.department.id }, { webhooksEnabled: false }, new Date());
    const muted = requestFor(org, { event: 'assigned' });
    await enqueueNotification(pipeline.queues, muted);

    const other = await createTestOrg(pipeline.db);
    await insertWebhook(pipeline.db, { departmentId: other.department.id, kind: 'wecom', url: `${receiver.url}/personal?key=k` });
    const decision = requestFor(other, { event: 'extension_decided', requesterUserId: other.staff[0] });
    await enqueueNotification(pipeline.queues, decision);

    await waitFor(async () => (await pipeline.inboxByKey(muted.dedupeKey)).length === 3, 15_000, 'the inbox rows');
    await waitFor(async () => (await pipeline.inboxByKey(decision.dedupeKey)).length === 1, 15_000, 'the inbox row');
    await settle();
    expect(hitsOn('/muted')).toHaveLength(0);
    expect(hitsOn('/personal')).toHaveLength(0);
  });
});
