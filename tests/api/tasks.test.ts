import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportProgress } from '../../api/services/tasks/actions';
import { taskStateQuery, taskWorkflowId } from '../../workflows/definitions';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY, fromNow, launchBody, waitFor, type LaunchTask } from '../support/item-fixtures';
import { uniqueName } from '../support/services';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let staffC: LoggedIn;
let auditor: LoggedIn;
let deptA: string;
let deptB: string;
let deptC: string;

beforeAll(async () => {
  const made = await (async () => {
    h = await startApiHarness();
    return Promise.all([h.createDepartment('甲局'), h.createDepartment('乙局'), h.createDepartment('丙局')]);
  })();
  [deptA, deptB, deptC] = [made[0].id, made[1].id, made[2].id];
  [supervisor, leader, staffA, staffB, staffC, auditor] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptB, 'staffB'),
    h.createUser('department', deptC, 'staffC'),
    h.createUser('auditor'),
  ]);
});
afterAll(async () => h?.close());

const lead = (departmentId: string): LaunchTask => ({ departmentId, role: 'lead' });
const assist = (departmentId: string): LaunchTask => ({ departmentId, role: 'assist' });

/** Launches an item (A leads, B assists unless told otherwise) and returns its id and task ids by department. */
async function launch(taskList: LaunchTask[] = [lead(deptA), assist(deptB)], overrides: Record<string, unknown> = {}) {
  const res = await supervisor.post('/api/items', launchBody(leader.id, taskList, overrides));
  expect(res.status).toBe(201);
  const byDept = new Map<string, string>(res.body.tasks.map((t: { departmentId: string; id: string }) => [t.departmentId, t.id]));
  return { id: res.body.id as string, taskOf: (dept: string) => byDept.get(dept)! };
}

async function detail(itemId: string) {
  return (await supervisor.get(`/api/items/${itemId}`)).body;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const taskIn = (item: { tasks: any[] }, taskId: string) => item.tasks.find((t) => t.id === taskId)!;

describe('a whole item over HTTP', () => {
  it('launch → sign → progress → complete → review accept → item completed, lights and outcomes reported', async () => {
    const item = await launch();
    const a = item.taskOf(deptA);
    const b = item.taskOf(deptB);

    const signed = await staffA.post(`/api/tasks/${a}/sign`);
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ id: a, status: 'signed', light: 'green' });
    expect(signed.body.signedAt).not.toBeNull();

    const progress = await staffA.post(`/api/tasks/${a}/progress`, { text: '已召开专题会议部署', percent: 40 });
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ status: 'in_progress', percent: 40 });
    expect(progress.body.lastReportAt).not.toBeNull();

    const done = await staffA.post(`/api/tasks/${a}/complete`, { summary: '已全部落实', fields: { result: '完成道路修缮 3.2 公里' } });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('submitted');

    const accepted = await supervisor.post(`/api/tasks/${a}/review`, { decision: 'accept', comment: '同意办结' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', outcome: 'on_time', light: 'green', redEver: false });

    // The assisting department: sign and complete straight away.
    expect((await staffB.post(`/api/tasks/${b}/sign`)).status).toBe(200);
    expect((await staffB.post(`/api/tasks/${b}/complete`, { summary: '配合完成', fields: { result: '已配合' } })).status).toBe(200);
    expect((await supervisor.post(`/api/tasks/${b}/review`, { decision: 'accept', comment: '' })).status).toBe(200);

    const finished = await waitFor(async () => {
      const d = await detail(item.id);
      return d.status === 'completed' && d.tasks.every((t: { status: string }) => t.status === 'accepted') ? d : undefined;
    }, 'the item to complete');
    expect(finished.completedAt).not.toBeNull();
    expect(finished.light).toBe('green');
    for (const t of finished.tasks) expect(t).toMatchObject({ outcome: 'on_time', light: 'green', redEver: false });
    const types = finished.timeline.map((e: { type: string }) => e.type);
    for (const type of ['launched', 'assigned', 'sign', 'progress', 'complete', 'review']) expect(types).toContain(type);
    const report = finished.timeline.find((e: { type: string }) => e.type === 'progress');
    expect(report.actor).toMatchObject({ userId: staffA.id, role: 'department', departmentId: deptA });

    // Completed items show up under the status filter.
    const listed = await supervisor.get(`/api/items?status=completed&issuedBy=${leader.id}&pageSize=200`);
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(item.id);
  });

  it('lights turn by the workflow’s timers: a task due in seconds goes yellow, then red, and the item with it', async () => {
    const item = await launch([lead(deptA)], { dueAt: fromNow(4_000), warnBefore: 'PT2S', signWithin: 'PT1S' });
    const a = item.taskOf(deptA);
    const red = await waitFor(async () => {
      const d = await detail(item.id);
      return taskIn(d, a).light === 'red' && d.light === 'red' ? d : undefined;
    }, 'the red light', 30_000);
    expect(taskIn(red, a)).toMatchObject({ redEver: true, lightReason: { code: 'due_passed' } });
    const reds = await supervisor.get(`/api/items?light=red&issuedBy=${leader.id}&pageSize=200`);
    expect(reds.body.items.map((i: { id: string }) => i.id)).toContain(item.id);
    // Completed late: the outcome says so, and the red stays on record.
    await staffA.post(`/api/tasks/${a}/sign`);
    await staffA.post(`/api/tasks/${a}/complete`, { summary: '迟办', fields: { result: '已完成' } });
    const accepted = await supervisor.post(`/api/tasks/${a}/review`, { decision: 'accept', comment: '' });
    expect(accepted.body).toMatchObject({ status: 'accepted', outcome: 'overdue', redEver: true });
  });
});

describe('department isolation', () => {
  it('another department gets 404 on the task (acting or reading), exactly as for a missing one', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    const asked = Date.now();
    const missing = await staffB.post(`/api/tasks/00000000-0000-4000-8000-000000000009/sign`);
    // A task nobody launched is not waited for as a workflow about to start: the answer comes at once.
    expect(missing.status).toBe(404);
    expect(Date.now() - asked).toBeLessThan(2_000);
    for (const path of ['sign', 'progress', 'complete', 'extension', 'transfer']) {
      const body = { text: 'x', summary: 'x', reason: 'x', newDueAt: fromNow(20 * DAY), fields: { result: 'x' } };
      const res = await staffB.post(`/api/tasks/${a}/${path}`, path === 'sign' ? {} : body);
      expect(res.status, path).toBe(404);
    }
    expect((await staffB.post(`/api/tasks/${a}/sign`)).body).toEqual(missing.body);
    expect((await staffB.get(`/api/items/${item.id}`)).status).toBe(404);
    const list = await staffB.get(`/api/items?pageSize=200`);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(item.id);
    // And the task was not touched.
    expect(taskIn(await detail(item.id), a).status).toBe('assigned');
  });

  it('roles: supervisors do not sign, leaders and auditors do not review, departments do not urge (403)', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    expect((await supervisor.post(`/api/tasks/${a}/sign`)).status).toBe(403);
    expect((await leader.post(`/api/tasks/${a}/review`, { decision: 'accept', comment: '' })).status).toBe(403);
    expect((await auditor.post(`/api/tasks/${a}/progress`, { text: 'x' })).status).toBe(403);
    expect((await staffA.post(`/api/tasks/${a}/urge`, { message: '快' })).status).toBe(403);
    expect((await staffA.post(`/api/tasks/${a}/extension-decision`, { approve: true })).status).toBe(403);
    expect((await h.request('POST', `/api/tasks/${a}/sign`, { body: {} })).status).toBe(401);
    const urged = await leader.post(`/api/tasks/${a}/urge`, { message: '请抓紧办理' });
    expect(urged.status).toBe(200);
    expect(urged.body.urgeCount).toBe(1);
  });
});

describe('refusals', () => {
  it('409 for the wrong state: progress before signing, signing twice, reviewing nothing, acting on an accepted task', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    const early = await staffA.post(`/api/tasks/${a}/progress`, { text: '还没签收' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('wrong_state');
    expect(early.body.error.details.messageZh).toBeTruthy();
    await staffA.post(`/api/tasks/${a}/sign`);
    expect((await staffA.post(`/api/tasks/${a}/sign`)).status).toBe(409);
    expect((await supervisor.post(`/api/tasks/${a}/review`, { decision: 'accept', comment: '' })).status).toBe(409);
    expect((await supervisor.post(`/api/tasks/${a}/extension-decision`, { approve: true })).status).toBe(409);
    await staffA.post(`/api/tasks/${a}/complete`, { summary: '完成', fields: { result: '完成' } });
    await supervisor.post(`/api/tasks/${a}/review`, { decision: 'accept', comment: '' });
    const after = await supervisor.post(`/api/tasks/${a}/review`, { decision: 'return', comment: '再看看' });
    expect(after.status).toBe(409);
    expect((await staffA.post(`/api/tasks/${a}/progress`, { text: '又来' })).status).toBe(409);
    // The ended task is still not another department's to know of: 404, as for a missing one.
    expect((await staffB.post(`/api/tasks/${a}/progress`, { text: '又来' })).status).toBe(404);
    expect((await supervisor.post(`/api/tasks/00000000-0000-4000-8000-000000000009/review`, { decision: 'accept', comment: '' })).status).toBe(404);
  });

  it('422 for a business rule, naming the field: an extension to before the current due date', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    const res = await staffA.post(`/api/tasks/${a}/extension`, { reason: '需要更多时间', newDueAt: fromNow(DAY) });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('rule_violation');
    expect(res.body.error.details.fields).toEqual([{ field: 'body.newDueAt', message: expect.any(String), messageZh: '新的办理期限须晚于当前办理期限' }]);
    // The same department as the suggested one is a rule too.
    const self = await staffA.post(`/api/tasks/${a}/transfer`, { reason: '不归我们管', suggestedDepartmentId: deptA });
    expect(self.status).toBe(422);
    const unknown = await staffA.post(`/api/tasks/${a}/transfer`, { reason: '不归我们管', suggestedDepartmentId: '00000000-0000-4000-8000-000000000010' });
    expect(unknown.status).toBe(422);
  });

  it('400 naming the field for malformed bodies, including the template’s completion form; never a 500', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    const field = async (path: string, body: unknown) => {
      const res = await staffA.post(`/api/tasks/${a}/${path}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      return res.body.error.details.fields.map((f: { field: string }) => f.field);
    };
    expect(await field('progress', {})).toContain('body.text');
    expect(await field('progress', { text: '  ' })).toContain('body.text');
    expect(await field('progress', { text: 'ok', percent: 150 })).toContain('body.percent');
    expect(await field('extension', { reason: 'r', newDueAt: 'next week' })).toContain('body.newDueAt');
    expect(await field('extension', { reason: 'r', newDueAt: '2027-02-30T10:00:00Z' })).toContain('body.newDueAt');
    expect(await field('complete', { summary: 'done', fields: { result: '' } })).toContain('body.fields.result');
    expect(await field('complete', { summary: 'done', fields: { surprise: 1, result: 'x' } })).toContain('body.fields.surprise');
    // Issue 17 changed this: `{summary}` alone now completes on a default template (the summary is the
    // result); a template's own required fields are checked in completion-summary.test.ts.
    const review = await supervisor.post(`/api/tasks/${a}/review`, { decision: 'return' });
    expect(review.status).toBe(400);
    expect((await staffA.post(`/api/tasks/not-a-uuid/sign`)).status).toBe(400);
    const garbage = await h.request('POST', `/api/tasks/${a}/progress`, { body: '[1,', headers: { authorization: `Bearer ${staffA.token}`, 'content-type': 'application/json' } });
    expect(garbage.status).toBe(400);
    // Nothing was applied by any of them: the task workflow itself (the read model may still be catching up).
    const state = await h.deps.temporal.workflow.getHandle(taskWorkflowId(a)).query(taskStateQuery);
    expect(state).toMatchObject({ status: 'signed', percent: null });
  });
});

describe('Idempotency-Key → Update id', () => {
  const progressEvents = async (itemId: string, taskId: string) =>
    (await detail(itemId)).timeline.filter((e: { type: string; taskId: string }) => e.type === 'progress' && e.taskId === taskId).length;

  it('a repeated request returns the first result and applies once', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    const key = uniqueName('progress');
    const first = await staffA.post(`/api/tasks/${a}/progress`, { text: '第一次', percent: 10 }, { 'idempotency-key': key });
    const second = await staffA.post(`/api/tasks/${a}/progress`, { text: '第一次', percent: 10 }, { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    await waitFor(async () => (await progressEvents(item.id, a)) === 1, 'the report in the timeline');
    expect(await progressEvents(item.id, a)).toBe(1);
  });

  it('two identical requests at once: one applied, both answered alike', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    const key = uniqueName('race');
    const body = { text: '并发提交', percent: 20 };
    const answers = await Promise.all([1, 2, 3].map(() => staffA.post(`/api/tasks/${a}/progress`, body, { 'idempotency-key': key })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).toBe(1);
    await waitFor(async () => (await progressEvents(item.id, a)) >= 1, 'the report in the timeline');
    expect(await progressEvents(item.id, a)).toBe(1);
  });

  it('keys are per user: two users sending the same key on one task are two actions', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    const key = uniqueName('shared');
    expect((await supervisor.post(`/api/tasks/${a}/urge`, { message: '督查室催办' }, { 'idempotency-key': key })).body.urgeCount).toBe(1);
    expect((await leader.post(`/api/tasks/${a}/urge`, { message: '领导催办' }, { 'idempotency-key': key })).body.urgeCount).toBe(2);
  });

  it('the key reaches Temporal as the Update id: the same key through the service twice applies once', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    const user = { id: staffA.id, username: staffA.username, displayName: 'staff', role: 'department' as const, departmentId: deptA };
    const ctx = { user, idempotencyKey: uniqueName('update-id') };
    const [one, two] = await Promise.all([
      reportProgress(h.deps, ctx, a, { text: '直接调用', percent: 30 }),
      reportProgress(h.deps, ctx, a, { text: '直接调用', percent: 30 }),
    ]);
    const three = await reportProgress(h.deps, ctx, a, { text: '直接调用', percent: 30 });
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    await waitFor(async () => (await progressEvents(item.id, a)) === 1, 'the report in the timeline');
  });
});

describe('side paths', () => {
  it('extension: requested by the department, approved by a supervisor; the due date moves, the original stays', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    const before = taskIn(await detail(item.id), a);
    const newDueAt = new Date(Date.parse(before.dueAt) + 5 * DAY).toISOString();
    const asked = await staffA.post(`/api/tasks/${a}/extension`, { reason: '需协调上级部门', newDueAt });
    expect(asked.status).toBe(200);
    expect(asked.body.pendingExtension).toMatchObject({ reason: '需协调上级部门', newDueAt });
    const approved = await supervisor.post(`/api/tasks/${a}/extension-decision`, { approve: true, comment: '同意' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ dueAt: newDueAt, originalDueAt: before.originalDueAt, postponed: true, pendingExtension: null });
    await waitFor(async () => taskIn(await detail(item.id), a).dueAt === newDueAt, 'the new due date in the read model');
  });

  it('transfer: approved to another department; the old task closes as transferred and the new one is theirs', async () => {
    const item = await launch([lead(deptA)]);
    const a = item.taskOf(deptA);
    await staffA.post(`/api/tasks/${a}/sign`);
    expect((await staffA.post(`/api/tasks/${a}/transfer`, { reason: '职责不符', suggestedDepartmentId: deptC })).status).toBe(200);
    const decided = await supervisor.post(`/api/tasks/${a}/transfer-decision`, { approve: true, comment: '转丙局' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'transferred', transferredTo: deptC });
    const opened = await waitFor(async () => {
      const d = await detail(item.id);
      return d.tasks.find((t: { departmentId: string; status: string }) => t.departmentId === deptC && t.status === 'assigned');
    }, 'the new task of department C');
    // The new department sees the item and can act; the old one no longer acts on its closed task.
    expect((await staffC.get(`/api/items/${item.id}`)).status).toBe(200);
    expect((await staffC.post(`/api/tasks/${opened.id}/sign`)).status).toBe(200);
    expect((await staffA.post(`/api/tasks/${a}/progress`, { text: '还在办' })).status).toBe(409);
  });
});
