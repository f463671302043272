import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeliveryPolicy, type NotificationDeps } from '../../../jobs/notifications/deps';
import { parseAllowList } from '../../../jobs/notifications/channels/outbound-address';
import { fanOut } from '../../../jobs/notifications/fan-out';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../../support/api-harness';
import { testConfig } from '../../support/services';
import { localReceivers } from './support/pipeline';
import { requestFor } from './support/requests';
import type { TestOrg } from './support/org';

let h: ApiHarness;
let staff: LoggedIn;
let otherStaff: LoggedIn;
let supervisor: LoggedIn;
let admin: LoggedIn;
let department: { id: string; name: string };
let deps: NotificationDeps;

/** The org shape requestFor() needs, for the harness's own users. */
const orgOf = (): TestOrg =>
  ({ department, staff: [staff.id], departmentLeader: supervisor.id, supervisor: supervisor.id, issuer: supervisor.id, otherStaff: otherStaff.id }) as unknown as TestOrg;

const bearer = (user: LoggedIn) => ({ authorization: `Bearer ${user.token}` });

beforeAll(async () => {
  h = await startApiHarness({ worker: false, config: testConfig(localReceivers) });
  department = await h.createDepartment('财政局');
  const otherDepartment = await h.createDepartment('其他局');
  staff = await h.createUser('department', department.id);
  otherStaff = await h.createUser('department', otherDepartment.id);
  supervisor = await h.createUser('supervisor');
  admin = await h.createUser('admin');
  deps = { db: h.deps.database.db, queues: h.deps.queues, mailer: null, now: () => new Date(), delivery: defaultDeliveryPolicy, webhookAllowList: parseAllowList(localReceivers.WEBHOOK_ALLOW_HOSTS) };
});
afterAll(async () => {
  await h?.deps.queues.notifications.obliterate({ force: true }).catch(() => {});
  await h?.close();
});

describe('GET /api/inbox and POST /api/inbox/:id/read', () => {
  it('lists my notifications newest first, paged, with the unread count; reading records the first read time', async () => {
    const titles = ['第一件', '第二件', '第三件'];
    const requests = titles.map((itemTitle) => requestFor(orgOf(), { event: 'assigned', itemTitle }));
    for (const request of requests) await fanOut(deps, request);

    const page1 = await staff.get('/api/inbox?pageSize=2');
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ total: 3, unread: 3, page: 1, pageSize: 2 });
    expect(page1.body.items.map((i: { subject: string }) => i.subject)).toEqual([expect.stringContaining('第三件'), expect.stringContaining('第二件')]);
    const page2 = await staff.get('/api/inbox?pageSize=2&page=2');
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0]).toMatchObject({ event: 'assigned', urgent: false, readAt: null, taskId: requests[0]!.taskId });

    const newest = page1.body.items[0];
    const read = await staff.post(`/api/inbox/${newest.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await staff.post(`/api/inbox/${newest.id}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);

    const after = await staff.get('/api/inbox?unread=true');
    expect(after.body).toMatchObject({ total: 2, unread: 2 });
    expect(after.body.items.map((i: { id: string }) => i.id)).not.toContain(newest.id);

    // Someone else's notification is not theirs to read or see.
    expect((await otherStaff.post(`/api/inbox/${newest.id}/read`)).status).toBe(404);
    expect((await otherStaff.get('/api/inbox')).body).toMatchObject({ total: 0, unread: 0, items: [] });
    expect((await h.request('GET', '/api/inbox')).status).toBe(401);
    expect((await staff.get('/api/inbox?pageSize=500')).status).toBe(400);

    // Supervisors see who read what about the task: the urge's read receipts.
    const receipts = await supervisor.get(`/api/tasks/${encodeURIComponent(requests[2]!.taskId!)}/read-receipts`);
    expect(receipts.status).toBe(200);
    expect(receipts.body.receipts).toContainEqual(expect.objectContaining({ userId: staff.id, readAt: read.body.readAt }));
    expect((await staff.get(`/api/tasks/${encodeURIComponent(requests[2]!.taskId!)}/read-receipts`)).status).toBe(403);
  });
});

describe('notification preferences', () => {
  it('lets a user set language, e-mail, quiet hours and digest time, and refuses nonsense', async () => {
    const before = await staff.get('/api/me/notification-preferences');
    expect(before.body).toMatchObject({ language: 'zh', email: null, emailEnabled: false, timeZone: 'Asia/Shanghai', quietStart: null });

    const put = (body: unknown) => h.request('PUT', '/api/me/notification-preferences', { body, headers: bearer(staff) });
    const changed = await put({ language: 'en', email: 'staff@example.gov.cn', quietStart: '22:00', quietEnd: '07:30', digestTime: '08:00' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ language: 'en', email: 'staff@example.gov.cn', emailEnabled: true, quietStart: '22:00', quietEnd: '07:30', digestTime: '08:00' });
    expect((await staff.get('/api/me/notification-preferences')).body).toEqual(changed.body);

    expect((await put({ quietStart: '22:00' })).status).toBe(400);
    expect((await put({ quietStart: '25:00', quietEnd: '07:00' })).status).toBe(400);
    expect((await put({ timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await put({ role: 'admin' })).status).toBe(400);
  });
});

describe("a department's channels and webhooks (admin)", () => {
  it('adds, lists, changes and removes webhooks without ever returning the secret', async () => {
    const path = `/api/departments/${department.id}/webhooks`;
    const created = await admin.post(path, { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECabc' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'dingtalk', hasSecret: true, enabled: true, language: 'zh', departmentId: department.id });
    expect(created.body).not.toHaveProperty('secret');

    expect((await admin.post(path, { kind: 'slack', url: 'https://x' })).status).toBe(400);
    expect((await admin.post(path, { kind: 'wecom', url: 'ftp://x' })).status).toBe(400);
    expect((await staff.post(path, { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/x' })).status).toBe(403);
    expect((await admin.post(`/api/departments/00000000-0000-4000-8000-000000000000/webhooks`, { kind: 'wecom', url: 'https://x.test/' })).status).toBe(404);

    const patched = await h.request('PATCH', `${path}/${created.body.id}`, { body: { enabled: false, secret: null }, headers: bearer(admin) });
    expect(patched.body).toMatchObject({ enabled: false, hasSecret: false });

    const channels = await h.request('PUT', `/api/departments/${department.id}/notification-channels`, { body: { emailEnabled: false }, headers: bearer(admin) });
    expect(channels.status).toBe(200);
    expect(channels.body).toMatchObject({ emailEnabled: false, webhooksEnabled: true, webhooks: [expect.objectContaining({ id: created.body.id })] });

    expect((await h.request('DELETE', `${path}/${created.body.id}`, { headers: bearer(admin) })).status).toBe(204);
    expect((await admin.get(`/api/departments/${department.id}/notification-channels`)).body.webhooks).toEqual([]);
    expect((await staff.get(`/api/departments/${department.id}/notification-channels`)).status).toBe(403);
  });

  it("sets the quiet hours and digest time of a department's webhooks; what they hold shows as held in the ledger", async () => {
    const quiet = await h.createDepartment('统计局');
    const path = `/api/departments/${quiet.id}/notification-channels`;
    const put = (body: unknown, user = admin) => h.request('PUT', path, { body, headers: bearer(user) });
    expect((await admin.get(path)).body).toMatchObject({ timeZone: 'Asia/Shanghai', quietStart: null, quietEnd: null, digestTime: null });

    const digestAt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + 2 * 3600_000));
    const changed = await put({ quietStart: '22:00', quietEnd: '07:30', digestTime: digestAt });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ emailEnabled: true, webhooksEnabled: true, timeZone: 'Asia/Shanghai', quietStart: '22:00', quietEnd: '07:30', digestTime: digestAt });
    expect((await admin.get(path)).body).toEqual(changed.body);
    expect((await put({ quietStart: '22:00' })).status).toBe(400);
    expect((await put({ digestTime: '8:00' })).status).toBe(400);
    expect((await put({ timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await put({ digestTime: null }, staff)).status).toBe(403);

    // A webhook of that department: a notification that is not urgent waits for the digest, visibly.
    const hook = await admin.post(`/api/departments/${quiet.id}/webhooks`, { kind: 'wecom', url: 'http://127.0.0.1:9/never-posted?key=k' });
    const request = requestFor(orgOf(), { event: 'assigned', departmentId: quiet.id });
    await fanOut(deps, request);
    const ledger = await admin.get(`/api/notification-deliveries?status=held&requestKey=${encodeURIComponent(request.dedupeKey)}`);
    expect(ledger.body.items).toEqual([expect.objectContaining({ channel: 'webhook', webhookId: hook.body.id, status: 'held', attempts: 0, lastError: null })]);
    const heldUntil = new Date(ledger.body.items[0].heldUntil);
    expect(heldUntil.getTime() - Date.now()).toBeGreaterThan(3600_000);
    expect(heldUntil.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
  });

  it('shows the delivery ledger to admins and supervisors', async () => {
    const answer = await admin.get('/api/notification-deliveries?status=failed&pageSize=5');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ page: 1, pageSize: 5 });
    expect((await staff.get('/api/notification-deliveries')).status).toBe(403);
  });
});

describe('Bull Board at /admin/queues', () => {
  it('is for admins only', async () => {
    expect((await h.request('GET', '/admin/queues')).status).toBe(401);
    expect((await h.request('GET', '/admin/queues/api/queues')).status).toBe(401);
    expect((await h.request('GET', '/admin/queues', { headers: bearer(supervisor) })).status).toBe(403);

    const page = await h.request<string>('GET', '/admin/queues', { headers: bearer(admin) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<base href="/admin/queues');
    const queues = await h.request<{ queues: { name: string }[] }>('GET', '/admin/queues/api/queues', { headers: bearer(admin) });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['notifications', 'exports']));
  });
});
