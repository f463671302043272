/**
 * The standing book end to end: items launched and worked through the real workflows (sign,
 * progress, complete, accept; extension approved), then the dashboard, its drill-downs, as-of,
 * the assessment and the public disclosure list read what the projections wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY, fromNow, launchBody, waitFor } from '../support/item-fixtures';
import { uniqueName } from '../support/services';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let deptA: string;
let deptB: string;
let beforeAcceptance: string;
const secret = uniqueName('内部进展SECRET');
const summary = uniqueName('办结报告SECRET');
let publicItem: { id: string; code: string; taskA: string; taskB: string };
let routineTask: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

beforeAll(async () => {
  h = await startApiHarness();
  const [a, b] = await Promise.all([h.createDepartment('端到端甲局'), h.createDepartment('端到端乙局')]);
  [deptA, deptB] = [a.id, b.id];
  [supervisor, leader, staffA, staffB] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptB, 'staffB'),
  ]);
  const launched = await supervisor.post(
    '/api/items',
    launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }, { departmentId: deptB, role: 'assist' }], { kind: 'meeting_resolution', public: true, title: uniqueName('公开议定事项') }),
  );
  expect(launched.status).toBe(201);
  const taskOf = (dept: string) => launched.body.tasks.find((t: Json) => t.departmentId === dept).id as string;
  publicItem = { id: launched.body.id, code: launched.body.code, taskA: taskOf(deptA), taskB: taskOf(deptB) };
  const routine = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }], { kind: 'routine' }));
  expect(routine.status).toBe(201);
  routineTask = routine.body.tasks[0].id;

  expect((await staffA.post(`/api/tasks/${publicItem.taskA}/sign`)).status).toBe(200);
  expect((await staffA.post(`/api/tasks/${publicItem.taskA}/progress`, { text: secret, percent: 50 })).status).toBe(200);
  expect((await staffA.post(`/api/tasks/${publicItem.taskA}/complete`, { summary, fields: { result: summary } })).status).toBe(200);
  beforeAcceptance = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 50));
  expect((await supervisor.post(`/api/tasks/${publicItem.taskA}/review`, { decision: 'accept', comment: '同意' })).status).toBe(200);
  expect((await staffB.post(`/api/tasks/${publicItem.taskB}/sign`)).status).toBe(200);

  expect((await staffA.post(`/api/tasks/${routineTask}/sign`)).status).toBe(200);
  expect((await staffA.post(`/api/tasks/${routineTask}/extension`, { reason: '需协调用地', newDueAt: fromNow(20 * DAY) })).status).toBe(200);
  expect((await supervisor.post(`/api/tasks/${routineTask}/extension-decision`, { approve: true, comment: '同意延期' })).status).toBe(200);
  expect((await supervisor.post(`/api/tasks/${routineTask}/urge`, { message: '请抓紧' })).status).toBe(200);

  // The projections are asynchronous: wait until the read model shows all of it.
  await waitFor(async () => {
    const res = await leader.get(`/api/dashboard?departmentId=${deptA},${deptB}`);
    const a = res.body.departments?.find((d: Json) => d.departmentId === deptA);
    return (a?.completed === 1 && res.body.totals.total === 3) || undefined;
  }, 'the dashboard to show the accepted task');
  await waitFor(async () => {
    const res = await leader.get(`/api/items/${routine.body.id}`);
    return (res.body.tasks[0].postponed && res.body.tasks[0].urgeCount === 1) || undefined;
  }, 'the extension and urge in the read model');
});
afterAll(async () => h?.close());

describe('the standing book after real workflows', () => {
  it('counts what happened: completed on time, in progress, per kind', async () => {
    const res = await leader.get(`/api/dashboard?departmentId=${deptA},${deptB}`);
    expect(res.status).toBe(200);
    const a = res.body.departments.find((d: Json) => d.departmentId === deptA);
    const b = res.body.departments.find((d: Json) => d.departmentId === deptB);
    expect(a).toMatchObject({ total: 2, completed: 1, onTime: 1, overdue: 0, postponed: 0, inProgress: 1, red: 0, redEver: 0, onTimeRate: 1 });
    expect(b).toMatchObject({ total: 1, completed: 0, inProgress: 1, onTimeRate: null });
    const meeting = res.body.kinds.find((k: Json) => k.kind === 'meeting_resolution');
    expect(meeting.totals).toMatchObject({ total: 2, completed: 1, inProgress: 1 });
    const routine = res.body.kinds.find((k: Json) => k.kind === 'routine');
    expect(routine.totals).toMatchObject({ total: 1, inProgress: 1 });
    // Every cell's drill-down list has as many entries as the cell says.
    for (const row of [...res.body.departments, res.body.totals, ...res.body.kinds.flatMap((k: Json) => [...k.departments, k.totals])]) {
      for (const m of ['total', 'completed', 'onTime', 'inProgress', 'yellow', 'red', 'redEver', 'overdue', 'postponed']) {
        const list = await leader.get(`${row.drillDown.tasks}&metric=${m}`);
        expect(list.body.total, `${row.drillDown.tasks}&metric=${m}`).toBe(row[m]);
      }
    }
  });

  it('as of a moment before the acceptance, the task was not yet completed', async () => {
    const res = await leader.get(`/api/dashboard?departmentId=${deptA},${deptB}&asOf=${beforeAcceptance}`);
    expect(res.status).toBe(200);
    const a = res.body.departments.find((d: Json) => d.departmentId === deptA);
    expect(a).toMatchObject({ total: 2, completed: 0, onTime: 0, inProgress: 2 });
  });

  it('the assessment names the postponed and urged routine task', async () => {
    const res = await leader.get(`/api/assessment?departmentId=${deptA}`);
    expect(res.status).toBe(200);
    const a = res.body.departments[0];
    const deductions = await leader.get(`${a.deductions.list}&pageSize=200`);
    expect(deductions.status).toBe(200);
    expect(deductions.body.total).toBe(a.deductions.total);
    const factors = deductions.body.items.filter((d: Json) => d.taskId === routineTask).map((d: Json) => d.factor).sort();
    expect(factors).toEqual(['postponed', 'urge']);
    expect(a.score).toBeCloseTo(100 - res.body.weights.postponed - res.body.weights.urge, 5);
  });

  it('GET /public/items discloses title, kind, departments, due date, status and light — no report texts, no internals', async () => {
    const res = await h.request('GET', '/public/items?pageSize=200');
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    const mine = res.body.items.find((i: Json) => i.departments.some((d: string) => d.startsWith('端到端甲局')));
    expect(mine).toMatchObject({ kind: 'meeting_resolution', status: 'in_progress' });
    for (const item of res.body.items) expect(Object.keys(item).sort()).toEqual(['departments', 'dueAt', 'kind', 'light', 'status', 'title']);
    const internal = [secret, summary, publicItem.id, publicItem.code, publicItem.taskA, publicItem.taskB, leader.id, staffA.id, deptA, deptB, 'workflowId', 'timeline', 'issuedBy', 'percent', 'redEver', 'outcome', 'urge'];
    for (const leak of internal) expect(text, leak).not.toContain(leak);
  });
});
