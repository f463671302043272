/**
 * The hotline loop (issue 19, appeals) against the real Temporal, Postgres and Redis: register →
 * dispatch → sign → reply → return visit, the unsatisfied reopening, the return (退单) and
 * re-dispatch, the 24-hour contact window's lights, the citizen's query, masking, bad input.
 */
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplates } from '../../db/queries/template-defaults';
import { loadWorkCalendar } from '../../api/services/organisation/calendar';
import { rollToWorkingDay } from '../../domain/calendar';
import { MISSES_PER_CODE } from '../../api/services/appeals/citizen';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { waitFor } from '../support/item-fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let h: ApiHarness;
let operator: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;
let auditor: LoggedIn;
let admin: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let deptA: string;
let deptB: string;

const PHONE = '13812341234';
const MASKED = '138****1234';

beforeAll(async () => {
  h = await startApiHarness();
  [deptA, deptB] = (await Promise.all([h.createDepartment('诉求甲局'), h.createDepartment('诉求乙局')])).map((d) => d.id) as [string, string];
  [operator, supervisor, leader, auditor, admin, staffA, staffB] = await Promise.all([
    h.createUser('operator'),
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('auditor'),
    h.createUser('admin'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptB, 'staffB'),
  ]);
});
afterAll(async () => h?.close());

async function register(overrides: Record<string, unknown> = {}): Promise<{ id: string; queryCode: string }> {
  const res = await operator.post('/api/appeals', { text: '小区门口路灯坏了一个月', phone: PHONE, citizenName: '王女士', place: '幸福路 12 号', channel: 'hotline', ...overrides });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body).toMatchObject({ code: expect.stringMatching(/^SQ-\d{4}-\d{6}$/), queryCode: expect.any(String), status: 'registered' });
  return res.body;
}

async function dispatch(id: string, departmentId: string, by: LoggedIn = operator): Promise<Json> {
  const res = await by.post(`/api/appeals/${id}/dispatch`, { departmentId });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The appeal's open lead task for a department (a re-dispatch opens it in the background). */
async function leadTaskOf(id: string, departmentId: string): Promise<Json> {
  return waitFor(async () => {
    const item = await supervisor.get(`/api/items/${id}`);
    return item.body.tasks?.find((t: Json) => t.departmentId === departmentId && t.role === 'lead' && t.status !== 'transferred');
  }, 'the lead task');
}

async function signAndReply(staff: LoggedIn, taskId: string, text = '已联系群众，路灯已修复') {
  expect((await staff.post(`/api/tasks/${taskId}/sign`, {})).status).toBe(200);
  const reply = await staff.post(`/api/tasks/${taskId}/reply`, { text, contactMethod: 'phone', contactedAt: new Date().toISOString() });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.status).toBe('submitted');
}

const visit = (id: string, result: string, comment?: string) => operator.post(`/api/appeals/${id}/return-visit`, comment ? { result, comment } : { result });

describe('the hotline loop', () => {
  it('runs register → dispatch → reply → satisfied visit to a close, with history, and figures on the standing book', async () => {
    const { id, queryCode } = await register();
    const dispatched = await dispatch(id, deptA);
    expect(dispatched).toMatchObject({ status: 'dispatched', departmentId: deptA, dispatchedAt: expect.any(String) });
    const task = await leadTaskOf(id, deptA);
    // The clock starts at dispatch: sign-and-contact due 24 hours after it, or, when that lands on a
    // day off (dispatched on a Friday, China time), at the end of the next working day.
    const dispatchedAt = Date.parse(dispatched.dispatchedAt);
    const year = new Date(dispatchedAt).getUTCFullYear();
    const expectedSignDue = rollToWorkingDay(dispatchedAt + 24 * 3_600_000, await loadWorkCalendar(h.deps.database.db, year, year + 1));
    expect(Math.abs(Date.parse(task.signDueAt) - expectedSignDue)).toBeLessThanOrEqual(60_000);

    await signAndReply(staffA, task.id);
    const replied = await h.request('GET', `/public/appeals/${queryCode}?phone=${PHONE}`);
    expect(replied.status).toBe(200);
    expect(replied.body).toEqual({ status: 'replied', submittedAt: expect.any(String), reply: '已联系群众，路灯已修复', repliedAt: expect.any(String) });
    expect((await operator.get(`/api/appeals/${id}`)).body).toMatchObject({ status: 'replied', visitDueAt: expect.any(String), reply: { contactMethod: 'phone' } });

    const closed = await visit(id, 'satisfied', '群众表示满意');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', visit: { result: 'satisfied' }, closedAt: expect.any(String) });
    await waitFor(async () => (await supervisor.get(`/api/items/${id}`)).body.status === 'completed', 'the appeal item completes');
    expect((await h.request('GET', `/public/appeals/${queryCode}?phone=${PHONE}`)).body.status).toBe('closed');

    const item = (await supervisor.get(`/api/items/${id}`)).body;
    expect(item).toMatchObject({ kind: 'appeal', tasks: [expect.objectContaining({ status: 'accepted', outcome: 'on_time' })] });
    expect(JSON.stringify(item.timeline)).toContain('回访结果：满意');
    const history = await auditor.get(`/api/items/${id}/history`);
    expect(history.status).toBe(200);

    const book = await leader.get(`/api/dashboard?departmentId=${deptA}`);
    const row = book.body.departments.find((d: Json) => d.departmentId === deptA);
    expect(row).toMatchObject({ appeals: expect.any(Number), satisfied: expect.any(Number), contacted24hRate: 1, returned: expect.any(Number) });
    expect(row.satisfied).toBeGreaterThanOrEqual(1);
    expect(row.satisfactionRate).toBeGreaterThan(0);
  });

  it('an unsatisfied visit reopens the appeal once, for the same department, with the comment', async () => {
    const { id } = await register();
    await dispatch(id, deptA);
    const task = await leadTaskOf(id, deptA);
    await signAndReply(staffA, task.id);

    const reopened = await visit(id, 'unsatisfied', '路灯仍然不亮');
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'dispatched', reopenCount: 1, departmentId: deptA });
    const again = await leadTaskOf(id, deptA);
    expect(again).toMatchObject({ id: task.id, status: 'in_progress', returnCount: 1 });
    expect(JSON.stringify((await staffA.get(`/api/items/${id}`)).body.timeline)).toContain('路灯仍然不亮');

    const second = await staffA.post(`/api/tasks/${task.id}/reply`, { text: '已更换灯具', contactMethod: 'visit', contactedAt: new Date().toISOString() });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    // A second unsatisfied visit closes it: an appeal reopens once.
    const closed = await visit(id, 'unsatisfied', '仍不满意');
    expect(closed.body).toMatchObject({ status: 'closed', reopenCount: 1, visit: { result: 'unsatisfied' } });
    expect((await visit(id, 'satisfied')).status).toBe(409);
  });

  it('a department returns a misrouted appeal (counted), and it is re-dispatched to another', async () => {
    const { id } = await register({ text: '河道有垃圾漂浮' });
    await dispatch(id, deptA);
    const task = await leadTaskOf(id, deptA);
    const returned = await staffA.post(`/api/tasks/${task.id}/return`, { reason: '河道保洁不属于本局职责' });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    expect((await operator.get(`/api/appeals/${id}`)).body).toMatchObject({ status: 'returned', returnCount: 1 });
    expect((await operator.get('/api/appeals?status=returned&pageSize=200')).body.items.map((a: Json) => a.id)).toContain(id);
    // Returned: the department can no longer reply or return it again.
    expect((await staffA.post(`/api/tasks/${task.id}/return`, { reason: '再退' })).status).toBe(409);

    const redispatched = await dispatch(id, deptB);
    expect(redispatched).toMatchObject({ status: 'dispatched', departmentId: deptB, returnCount: 1 });
    const taskB = await leadTaskOf(id, deptB);
    expect(taskB.id).not.toBe(task.id);
    await signAndReply(staffB, taskB.id, '已安排保洁');
    expect((await visit(id, 'basically_satisfied')).body.status).toBe('closed');

    const book = await leader.get(`/api/dashboard?departmentId=${deptA},${deptB}`);
    const rowA = book.body.departments.find((d: Json) => d.departmentId === deptA);
    expect(rowA.returned).toBeGreaterThanOrEqual(1);
  });

  it('masks the citizen’s phone for all but operators and the handling department', async () => {
    const { id } = await register();
    await dispatch(id, deptA, supervisor);
    const phoneAs = async (who: LoggedIn) => (await who.get(`/api/appeals/${id}`)).body.phone;
    expect(await phoneAs(operator)).toBe(PHONE);
    expect(await phoneAs(staffA)).toBe(PHONE);
    for (const who of [supervisor, leader, auditor, admin]) expect(await phoneAs(who)).toBe(MASKED);
    expect((await staffB.get(`/api/appeals/${id}`)).status).toBe(404);
    const listed = (await supervisor.get('/api/appeals?pageSize=200')).body.items.find((a: Json) => a.id === id);
    expect(listed.phone).toBe(MASKED);
  });

  it('refuses bad input with 4xx naming the field', async () => {
    const fieldOf = (res: { body: Json }) => res.body.error.details.fields.map((f: Json) => f.field);
    const badPhone = await operator.post('/api/appeals', { text: '诉求', phone: '12345', channel: 'hotline' });
    expect(badPhone.status).toBe(400);
    expect(fieldOf(badPhone)).toContain('body.phone');
    expect(badPhone.body.error.details.fields[0].messageZh).toContain('手机号');
    const noText = await operator.post('/api/appeals', { phone: PHONE, channel: 'hotline' });
    expect(fieldOf(noText)).toContain('body.text');
    expect(fieldOf(await operator.post('/api/appeals', { text: 'x', phone: PHONE, channel: 'fax' }))).toContain('body.channel');

    const { id } = await register();
    const unknown = await operator.post(`/api/appeals/${id}/dispatch`, { departmentId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(422);
    expect(fieldOf(unknown)).toEqual(['body.departmentId']);
    expect(fieldOf(await operator.post(`/api/appeals/${id}/dispatch`, { departmentId: deptA, assist: [deptA] }))).toEqual(['body.assist.0']);
    expect((await visit(id, 'satisfied')).status).toBe(409);
    expect(fieldOf(await visit(id, 'so-so'))).toContain('body.result');

    await dispatch(id, deptA);
    const task = await leadTaskOf(id, deptA);
    expect(fieldOf(await staffA.post(`/api/tasks/${task.id}/reply`, { text: '答复', contactMethod: 'pigeon', contactedAt: new Date().toISOString() }))).toContain('body.contactMethod');
    const future = await staffA.post(`/api/tasks/${task.id}/reply`, { text: '答复', contactMethod: 'phone', contactedAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.status).toBe(422);
    expect(fieldOf(future)).toEqual(['body.contactedAt']);
    // Not yet signed: the engine's own rule.
    expect((await staffA.post(`/api/tasks/${task.id}/reply`, { text: '答复', contactMethod: 'phone', contactedAt: new Date().toISOString() })).status).toBe(409);
    expect((await staffB.post(`/api/tasks/${task.id}/reply`, { text: '答复', contactMethod: 'phone', contactedAt: new Date().toISOString() })).status).toBe(404);
  });
});

describe('the standing book’s appeal figures', () => {
  it('rates of satisfaction, reopening and first dispatch, handling hours, and appeal deductions in the assessment', async () => {
    const dept = (await h.createDepartment(`诉求考核局 ${Date.now()}`)).id;
    const staff = await h.createUser('department', dept, 'staffE');
    // Three appeals: satisfied at once; reopened, then satisfied; reopened, then unsatisfied again.
    const results = [['satisfied'], ['unsatisfied', 'satisfied'], ['unsatisfied', 'unsatisfied']];
    for (const visits of results) {
      const { id } = await register({ text: `绿化带缺少护栏 ${visits.join('-')}` });
      await dispatch(id, dept);
      const task = await leadTaskOf(id, dept);
      await signAndReply(staff, task.id);
      for (const [i, result] of visits.entries()) {
        if (i > 0) expect((await staff.post(`/api/tasks/${task.id}/reply`, { text: '已重新处理', contactMethod: 'visit', contactedAt: new Date().toISOString() })).status).toBe(200);
        expect((await visit(id, result!, result === 'unsatisfied' ? '仍未解决' : undefined)).status).toBe(200);
      }
    }
    const book = await leader.get(`/api/dashboard?departmentId=${dept}`);
    const row = book.body.departments.find((d: Json) => d.departmentId === dept);
    expect(row).toMatchObject({ appeals: 3, satisfied: 2, returned: 0, firstDispatchRate: 1, contacted24hRate: 1 });
    expect(row.satisfactionRate).toBeCloseTo(2 / 3, 5);
    expect(row.reopenRate).toBeCloseTo(2 / 3, 5);
    expect(row.avgHandlingHours).toEqual(expect.any(Number));

    const assessment = await leader.get(`/api/assessment?departmentId=${dept}`);
    const scored = assessment.body.departments.find((d: Json) => d.departmentId === dept);
    const w = assessment.body.weights;
    expect(scored.byFactor.appealUnsatisfied).toMatchObject({ count: 1, tasks: 1, points: w.appealUnsatisfied });
    expect(scored.byFactor.appealReopened).toMatchObject({ count: 2, tasks: 2, points: 2 * w.appealReopened });
    expect(scored.byFactor.appealLateContact).toMatchObject({ count: 0, points: 0 });
    expect(scored.score).toBeCloseTo(100 - w.appealUnsatisfied - 2 * w.appealReopened - scored.byFactor.onTimeRate.points - scored.byFactor.redEver.points - scored.byFactor.urge.points - scored.byFactor.returned.points - scored.byFactor.postponed.points, 1);
    const reopened = await leader.get(scored.byFactor.appealReopened.deductions);
    expect(reopened.body.items).toHaveLength(2);
    expect(reopened.body.items[0]).toMatchObject({ factor: 'appealReopened', label: '诉求重办', points: w.appealReopened });
  });


  it('honour asOf: what each department held, contacted and had visited at that instant', async () => {
    const [deptC, deptD] = (await Promise.all([h.createDepartment('诉求丙局'), h.createDepartment('诉求丁局')])).map((d) => d.id) as [string, string];
    const staffC = await h.createUser('department', deptC);
    const t0 = new Date().toISOString();
    const x = await register({ text: '楼道灯不亮' });
    const y = await register({ text: '绿化带缺水' });
    await dispatch(x.id, deptC);
    await dispatch(y.id, deptC);
    const taskX = await leadTaskOf(x.id, deptC);
    const taskY = await leadTaskOf(y.id, deptC);
    await new Promise((r) => setTimeout(r, 20));
    const tA = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await signAndReply(staffC, taskX.id);
    expect((await visit(x.id, 'satisfied')).status).toBe(200);
    expect((await staffC.post(`/api/tasks/${taskY.id}/return`, { reason: '不属于本局' })).status).toBe(200);
    await dispatch(y.id, deptD);

    const rowsAt = async (asOf?: string) => {
      const book = await leader.get(`/api/dashboard?departmentId=${deptC},${deptD}${asOf ? `&asOf=${asOf}` : ''}`);
      expect(book.status).toBe(200);
      const row = (id: string) => book.body.departments.find((d: Json) => d.departmentId === id) ?? {};
      const figures = (r: Json) => ({ appeals: r.appeals ?? 0, satisfied: r.satisfied ?? 0, returned: r.returned ?? 0 });
      return { c: figures(row(deptC)), d: figures(row(deptD)) };
    };
    expect(await rowsAt(t0)).toEqual({ c: { appeals: 0, satisfied: 0, returned: 0 }, d: { appeals: 0, satisfied: 0, returned: 0 } });
    expect(await rowsAt(tA)).toEqual({ c: { appeals: 2, satisfied: 0, returned: 0 }, d: { appeals: 0, satisfied: 0, returned: 0 } });
    expect(await rowsAt()).toEqual({ c: { appeals: 1, satisfied: 1, returned: 1 }, d: { appeals: 1, satisfied: 0, returned: 0 } });
    expect(await rowsAt(new Date().toISOString())).toEqual(await rowsAt());
  });
});

describe('the citizen’s public pages', () => {
  async function solvedCaptcha(): Promise<string> {
    const challenge = (await h.request<Challenge>('GET', '/public/appeals/challenge')).body;
    const solution = await solveChallenge({ challenge, deriveKey });
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }

  it('submits with a captcha (spent once), and answers the query by code and phone with status and reply only', async () => {
    const captcha = await solvedCaptcha();
    const body = { text: '噪音扰民', phone: '13900001111', citizenName: '李先生', captcha };
    const submitted = await h.request('POST', '/public/appeals', { body });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(Object.keys(submitted.body)).toEqual(['queryCode']);
    const reused = await h.request('POST', '/public/appeals', { body });
    expect(reused.status).toBe(422);
    expect(reused.body.error.details.fields[0].field).toBe('body.captcha');
    const unsolved = await h.request('POST', '/public/appeals', { body: { ...body, captcha: Buffer.from('{}').toString('base64') } });
    expect(unsolved.body.error.details.fields[0].field).toBe('body.captcha');

    const code = submitted.body.queryCode as string;
    const seen = await h.request('GET', `/public/appeals/${code.toLowerCase()}?phone=13900001111`);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ status: 'received', submittedAt: expect.any(String) });
    const appeal = (await operator.get('/api/appeals?status=registered&pageSize=200')).body.items.find((a: Json) => a.queryCode === code);
    expect(appeal).toMatchObject({ channel: 'web', phone: '13900001111', citizenName: '李先生' });
  });

  it('a wrong phone reveals nothing, and past a few misses even the right phone is refused (429)', async () => {
    const { queryCode } = await register({ phone: '13700002222' });
    const wrong = await h.request('GET', `/public/appeals/${queryCode}?phone=13700009999`);
    const unknownCode = await h.request('GET', `/public/appeals/ZZZZZZZZZZ?phone=13700002222`);
    expect(wrong.status).toBe(404);
    expect(unknownCode.status).toBe(404);
    expect(wrong.body).toEqual(unknownCode.body);
    expect(JSON.stringify(wrong.body)).not.toMatch(/噪音|路灯|status|submittedAt/);
    for (let i = 1; i < MISSES_PER_CODE; i++) expect((await h.request('GET', `/public/appeals/${queryCode}?phone=1370000${1000 + i}`)).status).toBe(404);
    const limited = await h.request('GET', `/public/appeals/${queryCode}?phone=13700002222`);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });
});

describe('the 24-hour contact window', () => {
  it('turns the dispatched task yellow when signing and contact are overdue, then red', async () => {
    const template = { ...defaultTemplates.appeal, signWithin: 'PT3S', escalateAfter: 'PT3S' };
    expect((await admin.request('PUT', '/api/templates/appeal', template)).status).toBe(200);
    try {
      const { id } = await register();
      const dispatchedAt = Date.parse((await dispatch(id, deptA)).dispatchedAt);
      const light = async () => {
        const t = (await leadTaskOf(id, deptA)) as Json;
        return { light: t.light, reason: t.lightReason?.code };
      };
      expect(await light()).toEqual({ light: 'green', reason: 'on_track' });
      await new Promise((r) => setTimeout(r, Math.max(0, dispatchedAt + 3_300 - Date.now())));
      expect(await light()).toEqual({ light: 'yellow', reason: 'sign_overdue' });
      await new Promise((r) => setTimeout(r, Math.max(0, dispatchedAt + 6_500 - Date.now())));
      expect(await light()).toMatchObject({ light: 'red' });
      expect((await operator.get(`/api/appeals/${id}`)).body.status).toBe('dispatched');
    } finally {
      expect((await admin.request('PUT', '/api/templates/appeal', defaultTemplates.appeal)).status).toBe(200);
    }
  }, 30_000);
});
