import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPreferences } from '../../../db/queries/notifications';
import { createMailer } from '../../../jobs/notifications/channels/email';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { createTestOrg } from './support/org';
import { settle, startPipeline, waitFor } from './support/pipeline';
import { startSmtpReceiver } from './support/receivers';
import { requestFor } from './support/requests';

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let pipeline: Awaited<ReturnType<typeof startPipeline>>;
/** The processors' clock runs this far behind real time (the quiet-hours test moves it). */
let clockOffsetMs = 0;
const mailer = () => createMailer(smtp.url, '督查督办 <noreply@test.local>');

beforeAll(async () => {
  smtp = await startSmtpReceiver({ rejectRecipient: (address) => address.startsWith('bounce') });
  pipeline = await startPipeline({ mailer: mailer(), now: () => new Date(Date.now() - clockOffsetMs) });
});
afterAll(async () => {
  await pipeline?.close();
  await smtp?.close();
});

const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
const address = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}@example.gov.cn`;

describe('e-mail over SMTP', () => {
  it("sends each recipient one e-mail in their language; a department can keep its staff's e-mail off", async () => {
    const org = await createTestOrg(pipeline.db);
    const zhStaff = address('zh');
    const enLeader = address('en');
    await upsertPreferences(pipeline.db, { userId: org.staff[0]! }, { email: zhStaff }, new Date());
    await upsertPreferences(pipeline.db, { userId: org.departmentLeader }, { email: enLeader, language: 'en' }, new Date());
    const request = requestFor(org, { event: 'yellow', itemTitle: '城市更新' });
    await enqueueNotification(pipeline.queues, request);
    await enqueueNotification(pipeline.queues, request);

    await waitFor(async () => mailsTo(zhStaff).length > 0 && mailsTo(enLeader).length > 0, 15_000, 'both e-mails');
    await settle();
    expect(mailsTo(zhStaff)).toHaveLength(1);
    expect(mailsTo(enLeader)).toHaveLength(1);
    expect(mailsTo(zhStaff)[0]!.subject).toBe(`【黄灯预警】${org.department.name}：“城市更新”临近办理期限，请抓紧办理`);
    expect(mailsTo(zhStaff)[0]!.from).toBe('noreply@test.local');
    expect(mailsTo(enLeader)[0]!.subject).toMatch(/^\[Yellow — warning\] Finance Bureau-\w+: "城市更新" is nearly due$/);
    expect(mailsTo(enLeader)[0]!.text).toContain('Code: DB-2026-0001');
    const deliveries = await pipeline.deliveriesByKey(request.dedupeKey);
    expect(deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(mailsTo(zhStaff)[0]!.messageId).toBe(`<${deliveries.find((d) => d.target === zhStaff)!.id}@supervision.notifications>`);

    await upsertPreferences(pipeline.db, { departmentId: org.department.id }, { emailEnabled: false }, new Date());
    const later = requestFor(org, { event: 'assigned' });
    await enqueueNotification(pipeline.queues, later);
    await waitFor(async () => mailsTo(enLeader).length === 2, 15_000, "the leader's second e-mail");
    await settle();
    expect(mailsTo(zhStaff)).toHaveLength(1);
  });

  it('a mailbox the server refuses (550) fails at once with the SMTP error', async () => {
    const org = await createTestOrg(pipeline.db);
    await upsertPreferences(pipeline.db, { userId: org.staff[0]! }, { email: address('bounce') }, new Date());
    const request = requestFor(org);
    await enqueueNotification(pipeline.queues, request);
    const [delivery] = await waitFor(async () => {
      const rows = await pipeline.deliveriesByKey(request.dedupeKey);
      return rows[0]?.status === 'failed' ? rows : null;
    }, 15_000, 'the delivery to fail');
    expect(delivery!.attempts).toBe(1);
    expect(delivery!.lastError).toMatch(/550/);
  });

  it('holds non-urgent e-mail during quiet hours and sends one digest when they end; red lights go out at once', async () => {
    const org = await createTestOrg(pipeline.db);
    const mailbox = address('quiet');
    // Put the processors' clock 5 s before a minute turns, and quiet hours ending with that minute.
    const real = Date.now();
    clockOffsetMs = (((real % 60_000) - 55_000) % 60_000 + 60_000) % 60_000;
    const fakeNow = new Date(real - clockOffsetMs);
    const hhmm = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
    await upsertPreferences(
      pipeline.db,
      { userId: org.staff[0]! },
      { email: mailbox, quietStart: hhmm(new Date(fakeNow.getTime() - 3600_000)), quietEnd: hhmm(new Date(fakeNow.getTime() + 60_000)) },
      new Date(),
    );
    const assigned = requestFor(org, { event: 'assigned', itemTitle: '事项一' });
    const yellow = requestFor(org, { event: 'yellow', itemTitle: '事项二' });
    const red = requestFor(org, { event: 'red', urgent: true, itemTitle: '事项三' });
    for (const request of [assigned, yellow, red]) await enqueueNotification(pipeline.queues, request);

    await waitFor(async () => mailsTo(mailbox).length === 1, 4_000, 'the red light e-mail');
    expect(mailsTo(mailbox)[0]!.subject).toContain('【红灯督办】');
    const held = (await pipeline.deliveriesByKey(assigned.dedupeKey))[0]!;
    expect(held.status).toBe('held');
    // The inbox is silent and gets everything at once.
    expect(await pipeline.inboxByKey(assigned.dedupeKey)).toHaveLength(3);

    await waitFor(async () => mailsTo(mailbox).length === 2, 15_000, 'the digest');
    const digest = mailsTo(mailbox)[1]!;
    expect(digest.subject).toBe('【督查督办汇总】共 2 条通知');
    expect(digest.text).toContain('“事项一”');
    expect(digest.text).toContain('“事项二”');
    for (const request of [assigned, yellow]) {
      expect((await pipeline.deliveriesByKey(request.dedupeKey))[0]).toMatchObject({ status: 'sent' });
    }
    await settle();
    expect(mailsTo(mailbox)).toHaveLength(2);
    clockOffsetMs = 0;
  });
});
