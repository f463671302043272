// The item's own actions: an assisting department, the whole item's deadline, instructions (批示),
// disclosure, and a task's named person (承办人) — as the supervisor, leader and departments meet them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY, fromNow, launchBody, waitFor, type LaunchTask } from '../support/item-fixtures';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffA2: LoggedIn;
let staffB: LoggedIn;
let deptA: string;
let deptB: string;
let deptC: string;

beforeAll(async () => {
  h = await startApiHarness();
  const made = await Promise.all([h.createDepartment('甲局'), h.createDepartment('乙局'), h.createDepartment('丙局')]);
  [deptA, deptB, deptC] = [made[0].id, made[1].id, made[2].id];
  [supervisor, leader, staffA, staffA2, staffB] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptA, 'staffA2'),
    h.createUser('department', deptB, 'staffB'),
  ]);
});
afterAll(async () => h?.close());

const lead = (departmentId: string): LaunchTask => ({ departmentId, role: 'lead' });
const launch = async () => (await supervisor.post('/api/items', launchBody(leader.id, [lead(deptA)]))).body as { id: string; tasks: Array<{ id: string }> };
const fieldsOf = (res: { body: { error: { details: { fields: Array<{ field: string }> } } } }) => res.body.error.details.fields.map((f) => f.field);
const historyText = async (itemId: string, lang: 'zh' | 'en') => JSON.stringify((await supervisor.get(`/api/items/${itemId}/history?lang=${lang}`)).body);

describe('POST /api/items/:id/assist', () => {
  it('a supervisor adds an assisting department; it sees the item; the same department twice is refused', async () => {
    const item = await launch();
    expect((await leader.post(`/api/items/${item.id}/assist`, { departmentId: deptB })).status).toBe(403);
    const bad = await supervisor.post(`/api/items/${item.id}/assist`, { departmentId: 'nope' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad).join()).toContain('departmentId');
    const res = await supervisor.post(`/api/items/${item.id}/assist`, { departmentId: deptB, dueAt: fromNow(5 * DAY) });
    expect(res.status).toBe(200);
    expect(res.body.tasks.map((t: { departmentId: string; role: string }) => [t.departmentId, t.role])).toContainEqual([deptB, 'assist']);
    await waitFor(async () => (await staffB.get(`/api/items/${item.id}`)).status === 200, 'department B sees the item');
    expect((await supervisor.post(`/api/items/${item.id}/assist`, { departmentId: deptB })).status).toBe(409);
    await waitFor(async () => (await historyText(item.id, 'zh')).includes('协办单位'), 'the history in Chinese');
    expect(await historyText(item.id, 'en')).toContain('as an assisting department');
    expect((await supervisor.post('/api/items/00000000-0000-4000-8000-000000000004/assist', { departmentId: deptC })).status).toBe(404);
  });
});

describe('POST /api/items/:id/deadline', () => {
  it("moves every open task's due date as an extension, keeping the original", async () => {
    const item = await launch();
    const missing = await supervisor.post(`/api/items/${item.id}/deadline`, { dueAt: fromNow(20 * DAY) });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing).join()).toContain('reason');
    const past = await supervisor.post(`/api/items/${item.id}/deadline`, { dueAt: fromNow(-DAY), reason: '调整' });
    expect(past.status).toBe(422);
    expect(fieldsOf(past).join()).toContain('dueAt');
    expect((await staffA.post(`/api/items/${item.id}/deadline`, { dueAt: fromNow(20 * DAY), reason: '调整' })).status).toBe(403);
    const dueAt = fromNow(20 * DAY);
    expect((await supervisor.post(`/api/items/${item.id}/deadline`, { dueAt, reason: '会议决定延长' })).status).toBe(200);
    const task = await waitFor(async () => {
      const t = (await staffA.get(`/api/items/${item.id}`)).body.tasks[0];
      return t?.postponed ? t : undefined;
    }, 'the task follows the item');
    expect(Date.parse(task.dueAt)).toBe(Date.parse(dueAt));
    expect(Date.parse(task.originalDueAt)).toBeLessThan(Date.parse(dueAt));
  });
});

describe('POST /api/items/:id/instructions', () => {
  it("a leader's instruction shows on the item page of its departments", async () => {
    const item = await launch();
    expect((await staffA.post(`/api/items/${item.id}/instructions`, { text: '好' })).status).toBe(403);
    const blank = await leader.post(`/api/items/${item.id}/instructions`, { text: '  ' });
    expect(blank.status).toBe(400);
    expect(fieldsOf(blank).join()).toContain('text');
    expect((await leader.post(`/api/items/${item.id}/instructions`, { text: '请抓紧落实，月底前报结果' })).status).toBe(200);
    const detail = await waitFor(async () => {
      const d = (await staffA.get(`/api/items/${item.id}`)).body;
      return d.instructions?.length ? d : undefined;
    }, 'the instruction on the item page');
    expect(detail.instructions[0]).toMatchObject({ text: '请抓紧落实，月底前报结果', actor: { userId: leader.id, role: 'leader' } });
    expect(await historyText(item.id, 'zh')).toContain('批示');
  });
});

describe('POST /api/items/:id/public', () => {
  it('a supervisor changes the disclosure flag; setting it to what it is is a wrong state', async () => {
    const item = await launch();
    expect((await leader.post(`/api/items/${item.id}/public`, { public: true })).status).toBe(403);
    expect((await supervisor.post(`/api/items/${item.id}/public`, { public: 'yes' })).status).toBe(400);
    const res = await supervisor.post(`/api/items/${item.id}/public`, { public: true, reason: '依申请公开' });
    expect(res.status).toBe(200);
    expect(res.body.public).toBe(true);
    expect((await supervisor.post(`/api/items/${item.id}/public`, { public: true })).status).toBe(409);
    await waitFor(async () => (await supervisor.get(`/api/items/${item.id}`)).body.public === true, 'the read model');
    expect(await historyText(item.id, 'en')).toContain('made the item public');
  });
});

describe('POST /api/tasks/:id/assignee', () => {
  it("names a person of the task's department; another department gets 404, another department's person 422", async () => {
    const item = await launch();
    const taskId = item.tasks[0]!.id;
    expect((await staffB.post(`/api/tasks/${taskId}/assignee`, { userId: staffB.id })).status).toBe(404);
    const outsider = await staffA.post(`/api/tasks/${taskId}/assignee`, { userId: staffB.id });
    expect(outsider.status).toBe(422);
    expect(fieldsOf(outsider)).toContain('userId');
    expect((await staffA.post(`/api/tasks/${taskId}/assignee`, { userId: 'x' })).status).toBe(400);
    const res = await staffA.post(`/api/tasks/${taskId}/assignee`, { userId: staffA2.id });
    expect(res.status).toBe(200);
    expect(res.body.assignee).toMatchObject({ userId: staffA2.id });
    await waitFor(async () => (await staffA.get(`/api/items/${item.id}`)).body.tasks[0]?.assignee?.userId === staffA2.id, 'the assignee in the read model');
    expect((await supervisor.post(`/api/tasks/${taskId}/assignee`, { userId: staffA.id })).status).toBe(200);
  });
});
