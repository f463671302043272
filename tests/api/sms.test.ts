/**
 * The SMS channel (issue 19) end to end: the admin's settings, a citizen's query code on registration,
 * the reply and the return visit, staff who chose SMS hearing of a dispatch, an urge and a red light, a failing provider retried to exactly one
 * message, a wrong secret refused by the provider and shown to the admin, staff phones masked by role.
 * The provider is a local server that checks every Alibaba Cloud RPC signature itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';
import { testConfig } from '../support/services';
import { settle, startPipeline } from '../integration/notifications/support/pipeline';
import { startAliyunSmsServer, type AliyunSmsServer } from './support/aliyun-sms-server';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const KEY_ID = 'LTAI-test-key';
const SECRET = 'test-secret-of-the-local-provider';

let provider: AliyunSmsServer;
let h: ApiHarness;
let pipeline: Awaited<ReturnType<typeof startPipeline>>;
let admin: LoggedIn;
let operator: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;

const templates = {
  appeal_registered: { zh: 'SMS_REG_ZH', en: 'SMS_REG_EN' },
  appeal_replied: { zh: 'SMS_REPLY_ZH' },
  appeal_visited: { zh: 'SMS_VISIT_ZH' },
  task_assigned: { zh: 'SMS_ASSIGN_ZH', en: 'SMS_ASSIGN_EN' },
  task_urged: { zh: 'SMS_URGE_ZH', en: 'SMS_URGE_EN' },
  task_red: { zh: 'SMS_RED_ZH' },
  digest: { zh: 'SMS_DIGEST_ZH' },
  test: { zh: 'SMS_TEST_ZH' },
};

beforeAll(async () => {
  provider = await startAliyunSmsServer({ [KEY_ID]: SECRET });
  h = await startApiHarness({ config: testConfig({ SMS_ENDPOINT: provider.url }) });
  pipeline = await startPipeline({ config: h.config });
  [admin, operator, supervisor, leader] = await Promise.all([h.createUser('admin'), h.createUser('operator'), h.createUser('supervisor'), h.createUser('leader')]);
});
afterAll(async () => {
  await pipeline?.close();
  await h?.close();
  await provider?.close();
});

const smsTo = (phone: string) => provider.accepted.filter((m) => m.phone === phone);
const smsDeliveries = async (): Promise<Json[]> => (await admin.get('/api/notification-deliveries?channel=sms&pageSize=100')).body.items;

describe('the admin’s SMS settings', () => {
  it('are saved with a write-only secret; switching on needs the keys', async () => {
    const incomplete = await admin.request('PUT', '/api/sms-settings', { enabled: true, accessKeyId: KEY_ID });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.details.fields[0].field).toBe('body.accessKeySecret');

    const saved = await admin.request('PUT', '/api/sms-settings', { enabled: true, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: '督查督办', templates });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, accessKeyId: KEY_ID, hasSecret: true, signName: '督查督办', endpointOverride: provider.url });
    expect(saved.body.templates.task_urged).toEqual({ zh: 'SMS_URGE_ZH', en: 'SMS_URGE_EN' });
    expect(JSON.stringify(saved.body)).not.toContain(SECRET);
    expect(JSON.stringify((await admin.get('/api/sms-settings')).body)).not.toContain(SECRET);
    // A blank secret keeps the saved one.
    expect((await admin.request('PUT', '/api/sms-settings', { accessKeySecret: '' })).body.hasSecret).toBe(true);

    expect((await supervisor.get('/api/sms-settings')).status).toBe(403);
    const bad = await admin.request('PUT', '/api/sms-settings', { templates: { task_red: { zh: 'SMS 1; drop' } } });
    expect(bad.status).toBe(400);
    const internal = await admin.request('PUT', '/api/sms-settings', { endpoint: 'http://169.254.169.254/' });
    expect(internal.status).toBe(400);
    expect(internal.body.error.details.fields[0].field).toBe('body.endpoint');
  });

  it('send a test SMS at once through the provider', async () => {
    const sent = await admin.post('/api/sms-settings/test', { phone: '13900000001' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ sent: true, providerMessageId: expect.any(String), error: null });
    expect(smsTo('13900000001')).toMatchObject([{ templateCode: 'SMS_TEST_ZH', signName: '督查督办' }]);
    expect((await admin.post('/api/sms-settings/test', { phone: '12345' })).status).toBe(400);
  });
});

describe('citizens', () => {
  it('get the query code of a registered appeal, once, through a correctly signed request', async () => {
    const phone = '13811110001';
    const res = await operator.post('/api/appeals', { text: '小区门口路灯坏了一个月', phone, channel: 'hotline' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [message] = await waitFor(async () => smsTo(phone).length > 0 && smsTo(phone), 'the query code SMS');
    expect(message).toMatchObject({ templateCode: 'SMS_REG_ZH', signName: '督查督办', params: { code: res.body.code, queryCode: res.body.queryCode } });

    const delivery = await waitFor(async () => (await smsDeliveries()).find((d) => d.requestKey === `appeal-${res.body.id}` && d.status === 'sent'), 'the sent ledger row');
    expect(delivery).toMatchObject({ channel: 'sms', target: '138****0001', attempts: 1, lastError: null, providerMessageId: message!.bizId });
    expect(delivery.subject).toContain(res.body.queryCode);
    await settle();
    expect(smsTo(phone)).toHaveLength(1);
  });

  it('a provider failing once is retried and the citizen gets exactly one message', async () => {
    const phone = '13811110002';
    const failedBefore = provider.failed;
    provider.failNext = 1;
    const res = await operator.post('/api/appeals', { text: '噪音扰民', phone, channel: 'hotline' });
    expect(res.status).toBe(201);
    const delivery = await waitFor(
      async () => (await smsDeliveries()).find((d) => d.requestKey === `appeal-${res.body.id}` && d.status === 'sent'),
      'the retried SMS to be sent',
      30_000,
    );
    expect(provider.failed).toBe(failedBefore + 1);
    expect(delivery.attempts).toBe(2);
    await settle(1500);
    expect(smsTo(phone)).toHaveLength(1);
  });
});

describe('the citizen hears of the reply and the return visit', () => {
  it('one SMS each, after the registration’s query code', async () => {
    const phone = '13811110009';
    const dept = await h.createDepartment('短信答复局');
    const staff = await h.createUser('department', dept.id, 'smsreply');
    const res = await operator.post('/api/appeals', { text: '公交站牌被撞坏', phone, channel: 'hotline' });
    expect(res.status).toBe(201);
    expect((await operator.post(`/api/appeals/${res.body.id}/dispatch`, { departmentId: dept.id })).status).toBe(200);
    const task = await waitFor(async () => (await supervisor.get(`/api/items/${res.body.id}`)).body.tasks?.find((t: Json) => t.departmentId === dept.id), 'the lead task');
    expect((await staff.post(`/api/tasks/${task.id}/sign`, {})).status).toBe(200);
    const reply = await staff.post(`/api/tasks/${task.id}/reply`, { text: '站牌已修复', contactMethod: 'phone', contactedAt: new Date().toISOString() });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    await waitFor(async () => smsTo(phone).some((m) => m.templateCode === 'SMS_REPLY_ZH'), 'the reply SMS');
    expect((await operator.post(`/api/appeals/${res.body.id}/return-visit`, { result: 'satisfied' })).status).toBe(200);
    await waitFor(async () => smsTo(phone).some((m) => m.templateCode === 'SMS_VISIT_ZH'), 'the return-visit SMS');
    await settle();
    expect(smsTo(phone).map((m) => m.templateCode)).toEqual(['SMS_REG_ZH', 'SMS_REPLY_ZH', 'SMS_VISIT_ZH']);
  });
});

describe('staff', () => {
  it('who chose SMS hear when their task turns red', async () => {
    const dept = await h.createDepartment('短信红灯局');
    const staff = await h.createUser('department', dept.id, 'smsred');
    expect((await admin.request('PATCH', `/api/users/${staff.id}`, { phone: '13833330001' })).status).toBe(200);
    expect((await staff.request('PUT', '/api/me/notification-preferences', { smsEnabled: true })).status).toBe(200);
    const dueAt = new Date(Date.now() + 4_000).toISOString();
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }], { dueAt, warnBefore: 'PT1S', signWithin: 'PT1H' }));
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    await waitFor(async () => smsTo('13833330001').some((m) => m.templateCode === 'SMS_RED_ZH'), 'the red-light SMS', 30_000);
  });


  it('who chose SMS hear of a dispatch and an urge on their phone, in their language; the others do not', async () => {
    const dept = await h.createDepartment('短信局');
    const [zhStaff, enStaff, quiet] = await Promise.all([h.createUser('department', dept.id, 'smszh'), h.createUser('department', dept.id, 'smsen'), h.createUser('department', dept.id, 'nosms')]);
    // Choosing SMS needs a phone, which an admin keeps.
    const early = await zhStaff.request('PUT', '/api/me/notification-preferences', { smsEnabled: true });
    expect(early.status).toBe(422);
    expect(early.body.error.details.fields[0].field).toBe('body.smsEnabled');
    for (const [user, phone] of [
      [zhStaff, '13822220001'],
      [enStaff, '13822220002'],
      [quiet, '13822220003'],
    ] as const) {
      expect((await admin.request('PATCH', `/api/users/${user.id}`, { phone })).body.phone).toBe(phone);
    }
    expect((await zhStaff.request('PUT', '/api/me/notification-preferences', { smsEnabled: true })).body).toMatchObject({ smsEnabled: true, hasPhone: true });
    expect((await enStaff.request('PUT', '/api/me/notification-preferences', { smsEnabled: true, language: 'en' })).status).toBe(200);

    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }]));
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const [zhAssigned] = await waitFor(async () => smsTo('13822220001').length > 0 && smsTo('13822220001'), 'the dispatch SMS');
    expect(zhAssigned!.templateCode).toBe('SMS_ASSIGN_ZH');
    await waitFor(async () => smsTo('13822220002').length > 0, 'the English dispatch SMS');
    expect(smsTo('13822220002')[0]!.templateCode).toBe('SMS_ASSIGN_EN');

    const task = await waitFor(async () => (await supervisor.get(`/api/items/${launched.body.id}`)).body.tasks?.[0], 'the task');
    expect((await supervisor.post(`/api/tasks/${task.id}/urge`, { message: '请尽快办理' })).status).toBe(200);
    await waitFor(async () => smsTo('13822220001').some((m) => m.templateCode === 'SMS_URGE_ZH'), 'the urge SMS');
    await waitFor(async () => smsTo('13822220002').some((m) => m.templateCode === 'SMS_URGE_EN'), 'the English urge SMS');
    await settle();
    expect(smsTo('13822220001').map((m) => m.templateCode)).toEqual(['SMS_ASSIGN_ZH', 'SMS_URGE_ZH']);
    expect(smsTo('13822220003')).toEqual([]);
    // The inbox still has everything, for everyone.
    expect((await pipeline.inboxOf(quiet.id)).map((n) => n.event).sort()).toEqual(['assigned', 'urged']);
  });

  it('phones are whole for admins and supervisors, masked for every other role', async () => {
    const phoned = await h.createUser('leader', null, 'phoned');
    expect((await admin.request('PATCH', `/api/users/${phoned.id}`, { phone: '+8613955555678' })).body.phone).toBe('13955555678');
    const bad = await admin.request('PATCH', `/api/users/${phoned.id}`, { phone: '5555' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.phone');

    const listed = await admin.get(`/api/users?role=leader&pageSize=100`);
    expect(listed.body.items.find((u: Json) => u.id === phoned.id).phone).toBe('13955555678');
    const leaderOf = async (viewer: LoggedIn) => (await viewer.get('/api/leaders')).body.items.find((u: Json) => u.id === phoned.id).phone;
    expect(await leaderOf(supervisor)).toBe('13955555678');
    expect(await leaderOf(operator)).toBe('139****5678');
    expect(await leaderOf(leader)).toBe('139****5678');
    const dept = await h.createDepartment('遮蔽局');
    expect(await leaderOf(await h.createUser('department', dept.id))).toBe('139****5678');
  });
});

describe('a wrong secret', () => {
  it('is refused by the provider; the delivery is recorded failed with the provider’s error for the admin', async () => {
    expect((await admin.request('PUT', '/api/sms-settings', { accessKeySecret: 'not-the-secret' })).status).toBe(200);
    const refusedBefore = provider.refused;
    const phone = '13811110003';
    const res = await operator.post('/api/appeals', { text: '井盖缺失', phone, channel: 'hotline' });
    expect(res.status).toBe(201);
    const failed = await waitFor(async () => (await smsDeliveries()).find((d) => d.requestKey === `appeal-${res.body.id}` && d.status === 'failed'), 'the failed SMS');
    expect(failed.lastError).toContain('SignatureDoesNotMatch');
    // A refusal is permanent: one try, not eight.
    expect(failed.attempts).toBe(1);
    expect(provider.refused).toBe(refusedBefore + 1);
    expect(smsTo(phone)).toEqual([]);

    const test = await admin.post('/api/sms-settings/test', { phone: '13900000002' });
    expect(test.body).toMatchObject({ sent: false, providerMessageId: null, error: { code: 'SignatureDoesNotMatch' } });
    await admin.request('PUT', '/api/sms-settings', { accessKeySecret: SECRET });
  });
});
