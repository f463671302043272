import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertPreferences } from '../../../db/queries/notifications';
import { createMailer } from '../../../jobs/notifications/channels/email';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { beijingHhmm, shiftedClock } from './support/clock';
import { createTestOrg } from './support/org';
import { settle, startPipeline, waitFor } from './support/pipeline';
import { startSmtpReceiver } from './support/receivers';
import { requestFor } from './support/requests';

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let pipeline: Awaited<ReturnType<typeof startPipeline>>;
/** The processors' clock (the quiet-hours and digest tests move it). */
const clock = shiftedClock();
const mailer = () => createMailer(smtp.url, '督查督办 <noreply@test.local>');

beforeAll(async () => {
  smtp = await startSmtpReceiver({ rejectRecipient: (address) => address.startsWith('bounce') });
  pipeline = await startPipeline({ mailer: mailer(), now: clock.now });
});
afterAll(async () => {
  await pipeline?.close();
  await smtp?.close();
});
afterEach(() => clock.reset());

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
    const { turnsAt, hourBefore } = clock.standBeforeMinute(5);
    await upsertPreferences(pipeline.db, { userId: org.staff[0]! }, { email: mailbox, quietStart: hourBefore, quietEnd: turnsAt }, new Date());
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
    // The SMTP server has the mail a moment before the digest job records it as sent.
    for (const request of [assigned, yellow]) {
      await waitFor(async () => (await pipeline.deliveriesByKey(request.dedupeKey))[0]?.status === 'sent', 5_000, 'the held e-mail marked sent');
    }
    await settle();
    expect(mailsTo(mailbox)).toHaveLength(2);
  });

  it('with a daily digest time, holds what is not urgent and sends one digest e-mail with it at that time, once', async () => {
    const org = await createTestOrg(pipeline.db);
    const mailbox = address('daily');
    const { turn, turnsAt } = clock.standBeforeMinute(10);
    await upsertPreferences(pipeline.db, { userId: org.staff[0]! }, { email: mailbox, digestTime: turnsAt }, new Date());
    const requests = [
      requestFor(org, { event: 'assigned', itemTitle: '日报事项一' }),
      requestFor(org, { event: 'yellow', itemTitle: '日报事项二' }),
      requestFor(org, { event: 'deadlines_changed', itemTitle: '日报事项三' }),
    ];
    // Each twice, as a retried activity would.
    for (const request of [...requests, ...requests]) await enqueueNotification(pipeline.queues, request);

    const held = await waitFor(async () => {
      const rows = (await Promise.all(requests.map((r) => pipeline.deliveriesByKey(r.dedupeKey)))).flat().filter((d) => d.target === mailbox);
      return rows.length === 3 ? rows : null;
    }, 8_000, 'three held e-mails');
    for (const row of held) expect(row).toMatchObject({ channel: 'email', status: 'held', heldUntil: turn });
    for (const request of requests) expect((await pipeline.inboxByKey(request.dedupeKey)).some((row) => row.userId === org.staff[0])).toBe(true);
    expect(mailsTo(mailbox)).toHaveLength(0);

    const [digest] = await waitFor(async () => (mailsTo(mailbox).length ? mailsTo(mailbox) : null), 25_000, 'the digest e-mail');
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(turn.getTime());
    expect(digest!.subject).toBe('【督查督办汇总】共 3 条通知');
    expect(digest!.messageId).toMatch(/^<digest-[0-9a-f-]{36}@supervision\.notifications>$/);
    for (const title of ['日报事项一', '日报事项二', '日报事项三']) expect(digest!.text).toContain(`“${title}”`);
    const sent = await waitFor(async () => {
      const rows = (await Promise.all(requests.map((r) => pipeline.deliveriesByKey(r.dedupeKey)))).flat().filter((d) => d.target === mailbox);
      return rows.every((row) => row.status === 'sent') ? rows : null;
    }, 5_000, 'the held e-mails marked sent');
    expect(new Set(sent.map((row) => row.digestKey)).size).toBe(1);

    // Enqueued again after the digest went out: nothing more.
    for (const request of requests) await enqueueNotification(pipeline.queues, request);
    await settle(1500);
    expect(mailsTo(mailbox)).toHaveLength(1);
  }, 40_000);

  it('an urge goes out at once during quiet hours even when its request says it is not urgent', async () => {
    const org = await createTestOrg(pipeline.db);
    const mailbox = address('urged');
    const now = new Date();
    await upsertPreferences(
      pipeline.db,
      { userId: org.staff[0]! },
      { email: mailbox, quietStart: beijingHhmm(new Date(now.getTime() - 3600_000)), quietEnd: beijingHhmm(new Date(now.getTime() + 3600_000)) },
      new Date(),
    );
    const assigned = requestFor(org, { event: 'assigned', itemTitle: '安静事项' });
    const urged = requestFor(org, { event: 'urged', urgent: false, itemTitle: '催办事项', message: '请今日反馈' });
    for (const request of [assigned, urged]) await enqueueNotification(pipeline.queues, request);

    const [mail] = await waitFor(async () => (mailsTo(mailbox).length ? mailsTo(mailbox) : null), 8_000, 'the urge e-mail');
    expect(mail!.subject).toBe(`【催办】${org.department.name}：请尽快办理“催办事项”`);
    expect(mail!.text).toContain('留言：请今日反馈');
    const urgedDelivery = await waitFor(async () => {
      const row = (await pipeline.deliveriesByKey(urged.dedupeKey)).find((d) => d.target === mailbox);
      return row?.status === 'sent' ? row : null;
    }, 5_000, 'the urge marked sent');
    expect(urgedDelivery.heldUntil).toBeNull();
    expect((await pipeline.inboxByKey(urged.dedupeKey)).every((row) => row.urgent)).toBe(true);
    // The assignment, not urgent, waits for the end of quiet hours.
    expect((await pipeline.deliveriesByKey(assigned.dedupeKey)).find((d) => d.target === mailbox)).toMatchObject({ status: 'held' });
    await settle();
    expect(mailsTo(mailbox)).toHaveLength(1);
  });

  it("a user who turned e-mail off gets none, while their inbox still gets every notification", async () => {
    const org = await createTestOrg(pipeline.db);
    const wantsMail = address('on');
    const turnedOff = address('off');
    await upsertPreferences(pipeline.db, { userId: org.staff[0]! }, { email: wantsMail }, new Date());
    await upsertPreferences(pipeline.db, { userId: org.staff[1]! }, { email: turnedOff, emailEnabled: false }, new Date());
    const requests = [requestFor(org, { event: 'assigned' }), requestFor(org, { event: 'red', urgent: true })];
    for (const request of requests) await enqueueNotification(pipeline.queues, request);

    await waitFor(async () => mailsTo(wantsMail).length === 2, 15_000, 'both e-mails of the colleague who wants them');
    await settle();
    expect(mailsTo(turnedOff)).toHaveLength(0);
    for (const request of requests) {
      expect((await pipeline.inboxByKey(request.dedupeKey)).map((row) => row.userId)).toContain(org.staff[1]);
      expect((await pipeline.deliveriesByKey(request.dedupeKey)).map((d) => d.target)).not.toContain(turnedOff);
    }
  });
});
