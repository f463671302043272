import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import type { NotificationRequest } from '../../../jobs/notifications/request';
import { createTestOrg, type TestOrg } from './support/org';
import { startPipeline, waitFor } from './support/pipeline';
import { requestFor } from './support/requests';

let pipeline: Awaited<ReturnType<typeof startPipeline>>;
let org: TestOrg;

beforeAll(async () => {
  pipeline = await startPipeline();
  org = await createTestOrg(pipeline.db);
});
afterAll(async () => pipeline?.close());

/** Enqueues the request and returns the recipients of its inbox rows among this test's own users. */
async function recipientsOf(request: NotificationRequest, expectedCount: number): Promise<Set<string>> {
  await enqueueNotification(pipeline.queues, request);
  const mine = new Set([...org.staff, org.departmentLeader, org.supervisor, org.issuer, org.otherStaff, org.disabledStaff]);
  const rows = await waitFor(async () => {
    const found = (await pipeline.inboxByKey(request.dedupeKey)).filter((r) => mine.has(r.userId));
    return found.length >= expectedCount ? found : null;
  }, 15_000, `${expectedCount} inbox rows for ${request.event}`);
  return new Set(rows.map((r) => r.userId));
}

describe('recipients follow the design', () => {
  it('assigned and yellow reach the department staff and its responsible leader, nobody else', async () => {
    for (const event of ['assigned', 'yellow'] as const) {
      const got = await recipientsOf(requestFor(org, { event }), 3);
      expect(got).toEqual(new Set([...org.staff, org.departmentLeader]));
    }
  });

  it('red also reaches the supervision office and the issuing leader', async () => {
    const got = await recipientsOf(requestFor(org, { event: 'red', urgent: true }), 5);
    expect(got).toEqual(new Set([...org.staff, org.departmentLeader, org.supervisor, org.issuer]));
  });

  it('an urge reaches the department staff only', async () => {
    const got = await recipientsOf(requestFor(org, { event: 'urged', urgent: true, message: '请今天内反馈' }), 2);
    expect(got).toEqual(new Set(org.staff));
  });

  it('decisions and returns reach the requester only', async () => {
    for (const event of ['returned', 'extension_decided', 'transfer_decided'] as const) {
      const got = await recipientsOf(
        requestFor(org, { event, requesterUserId: org.staff[1], reason: { code: 'approved', zh: '同意延期至12月31日', en: 'Extension approved to 31 December' } }),
        1,
      );
      expect(got).toEqual(new Set([org.staff[1]]));
    }
  });

  it('a report to review and extension or transfer requests reach the supervision office; changed deadlines the department', async () => {
    for (const event of ['submitted', 'extension_requested', 'transfer_requested'] as const) {
      const got = await recipientsOf(requestFor(org, { event, message: '申请延期至12月31日' }), 1);
      expect(got).toEqual(new Set([org.supervisor]));
    }
    const changed = requestFor(org, { event: 'deadlines_changed', reason: { code: 'calendar_changed', zh: '节假日安排调整', en: 'holiday schedule changed' } });
    expect(await recipientsOf(changed, 2)).toEqual(new Set(org.staff));
    const [row] = (await pipeline.inboxByKey(changed.dedupeKey)).filter((r) => r.userId === org.staff[0]);
    expect(row!.subject).toContain('【期限调整】');
    expect(row!.body).toContain('节假日安排调整');
  });

  it('an escalated urge goes to the department leader first, then the supervision office', async () => {
    const first = await recipientsOf(requestFor(org, { event: 'urge_escalated', urgent: true, escalationLevel: 'department_leader' }), 1);
    expect(first).toEqual(new Set([org.departmentLeader]));
    const second = await recipientsOf(requestFor(org, { event: 'urge_escalated', urgent: true, escalationLevel: 'supervision_office' }), 1);
    expect(second).toEqual(new Set([org.supervisor]));
  });

  it('writes the message in plain words, in Chinese by default', async () => {
    const request = requestFor(org, { event: 'red', urgent: true, itemTitle: '城市更新' });
    await recipientsOf(request, 5);
    const [row] = (await pipeline.inboxByKey(request.dedupeKey)).filter((r) => r.userId === org.staff[0]);
    expect(row!.subject).toBe(`【红灯督办】${org.department.name}：关于“城市更新”的事项已超过办理期限`);
    expect(row!.urgent).toBe(true);
    expect(row!.readAt).toBeNull();
  });
});
