/**
 * Issue 21, two authorization findings:
 * - a leader launches only in their own name; a supervisor records an item on any leader's behalf,
 *   and the history says who did;
 * - on an item two departments share, each sees the other's status and light, never its reports,
 *   outcome, fields or evidence; filters naming the other department find nothing of theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let otherLeader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let deptA: string;
let deptB: string;

beforeAll(async () => {
  h = await startApiHarness();
  const made = await Promise.all([h.createDepartment('甲局'), h.createDepartment('乙局')]);
  [deptA, deptB] = [made[0].id, made[1].id];
  [supervisor, leader, otherLeader, staffA, staffB] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('leader', null, 'otherLeader'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptB, 'staffB'),
  ]);
});
afterAll(async () => h?.close());

describe('who issues an item', () => {
  it("refuses a leader launching under another leader's name: 403 naming body.issuedBy, in both languages, nothing launched", async () => {
    const body = launchBody(otherLeader.id, [{ departmentId: deptA, role: 'lead' }]);
    const res = await leader.post('/api/items', body);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.body.error.details.fields[0]).toMatchObject({ field: 'body.issuedBy' });
    expect(res.body.error.details.fields[0].messageZh).toMatch(/本人/);
    const listed = await supervisor.get(`/api/items?q=${encodeURIComponent(body.title)}`);
    expect(listed.body.total).toBe(0);
  });

  it('lets a leader name themselves, or name nobody (then they issue it)', async () => {
    const named = await leader.post('/api/items', launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }]));
    expect(named.status).toBe(201);
    expect(named.body.issuedBy).toBe(leader.id);
    const unnamed: Partial<ReturnType<typeof launchBody>> = launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }]);
    delete unnamed.issuedBy;
    const self = await leader.post('/api/items', unnamed);
    expect(self.status).toBe(201);
    expect(self.body.issuedBy).toBe(leader.id);
  });

  it("lets a supervisor record an item on a leader's behalf, and the history shows both who launched it and who issued it", async () => {
    const res = await supervisor.post('/api/items', launchBody(otherLeader.id, [{ departmentId: deptA, role: 'lead' }]));
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const detail = await waitFor(async () => {
      const d = (await supervisor.get(`/api/items/${id}`)).body;
      return d.timeline?.some((e: { type: string }) => e.type === 'launched') ? d : undefined;
    }, 'the launch in the timeline');
    expect(detail.issuedBy).toBe(otherLeader.id);
    const launched = detail.timeline.find((e: { type: string }) => e.type === 'launched');
    expect(launched.actor).toMatchObject({ userId: supervisor.id, role: 'supervisor' });
    const history = await otherLeader.get(`/api/items/${id}/history?lang=en`);
    expect(history.status).toBe(200);
    const line = history.body.events.find((e: { action: string }) => e.action === 'launched');
    expect(line.actor).toMatchObject({ userId: supervisor.id, role: 'supervisor' });
  });
});

/** Department B's marks: none of them may reach department A. */
const B_PROGRESS = '乙局进展-机密-7c1e';
const B_SUMMARY = '乙局办结报告-机密-52fa';
const B_FIELD = '乙局表单字段-机密-9d03';

describe('an item two departments share', () => {
  let itemId: string;
  let taskA: string;
  let taskB: string;

  beforeAll(async () => {
    const launched = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [
        { departmentId: deptA, role: 'lead' },
        { departmentId: deptB, role: 'assist' },
      ]),
    );
    expect(launched.status).toBe(201);
    itemId = launched.body.id;
    const byDept = new Map<string, string>(launched.body.tasks.map((t: { departmentId: string; id: string }) => [t.departmentId, t.id]));
    [taskA, taskB] = [byDept.get(deptA)!, byDept.get(deptB)!];
    // B reports, completes and is accepted on time; A has only signed.
    expect((await staffA.post(`/api/tasks/${taskA}/sign`)).status).toBe(200);
    expect((await staffB.post(`/api/tasks/${taskB}/sign`)).status).toBe(200);
    expect((await staffB.post(`/api/tasks/${taskB}/progress`, { text: B_PROGRESS, percent: 60 })).status).toBe(200);
    expect((await staffB.post(`/api/tasks/${taskB}/complete`, { summary: B_SUMMARY, fields: { result: B_FIELD } })).status).toBe(200);
    expect((await supervisor.post(`/api/tasks/${taskB}/review`, { decision: 'accept', comment: '同意' })).status).toBe(200);
    await waitFor(async () => {
      const d = (await supervisor.get(`/api/items/${itemId}`)).body;
      const b = d.tasks?.find((t: { id: string }) => t.id === taskB);
      return b?.status === 'accepted' && d.timeline.some((e: { type: string }) => e.type === 'review') ? true : undefined;
    }, "B's acceptance in the read model");
  });

  const leaks = (body: unknown) => [B_PROGRESS, B_SUMMARY, B_FIELD].filter((mark) => JSON.stringify(body).includes(mark));

  it("shows A which departments share the item with their status and light, and B's reports not at all", async () => {
    const res = await staffA.get(`/api/items/${itemId}`);
    expect(res.status).toBe(200);
    expect(res.body.tasks.map((t: { id: string }) => t.id)).toEqual([taskA]);
    expect(res.body.departments).toEqual(
      expect.arrayContaining([
        { taskId: taskA, departmentId: deptA, role: 'lead', status: 'signed', light: expect.any(String) },
        { taskId: taskB, departmentId: deptB, role: 'assist', status: 'accepted', light: expect.any(String) },
      ]),
    );
    expect(leaks(res.body)).toEqual([]);
    expect(res.body.timeline.filter((e: { taskId: string | null }) => e.taskId === taskB)).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain('on_time');
    // The supervisor still reads everything.
    const full = await supervisor.get(`/api/items/${itemId}`);
    expect(leaks(full.body)).toEqual([B_PROGRESS, B_SUMMARY, B_FIELD]);
  });

  it('lists the item to A with every department sharing it', async () => {
    const res = await staffA.get(`/api/items?q=${encodeURIComponent((await supervisor.get(`/api/items/${itemId}`)).body.code)}`);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([itemId]);
    expect([...res.body.items[0].departmentIds].sort()).toEqual([deptA, deptB].sort());
  });

  it("finds nothing of B's through the drill-down filters (departmentIds, metric)", async () => {
    const ids = async (query: string) => {
      const res = await staffA.get(`/api/items?${query}&pageSize=200`);
      expect(res.status).toBe(200);
      return res.body.items.map((i: { id: string }) => i.id) as string[];
    };
    // B's figures: its task is counted as completed on time; none of it may show to A.
    expect(await ids(`metric=onTime`)).not.toContain(itemId);
    expect(await ids(`metric=completed&departmentIds=${deptB}`)).not.toContain(itemId);
    expect(await ids(`metric=total&departmentIds=${deptB}`)).toEqual([]);
    expect(await ids(`departmentIds=${deptB}`)).toEqual([]);
    expect(await ids(`metric=completed&departmentIds=${deptA},${deptB}`)).not.toContain(itemId);
    // A's own figures still find the item.
    expect(await ids(`metric=total&departmentIds=${deptA}`)).toContain(itemId);
    expect(await ids(`metric=inProgress`)).toContain(itemId);
    // The supervisor's drill-down into B finds it.
    const theirs = await supervisor.get(`/api/items?metric=onTime&departmentIds=${deptB}&pageSize=200`);
    expect(theirs.body.items.map((i: { id: string }) => i.id)).toContain(itemId);
  });

  it("keeps B's task, its reports and its records out of A's other reads (my work, inbox, actions on B's task)", async () => {
    for (const path of ['/api/me/work', '/api/inbox']) {
      const res = await staffA.get(path);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(taskB);
      expect(leaks(res.body)).toEqual([]);
    }
    expect((await staffA.post(`/api/tasks/${taskB}/progress`, { text: '越权', percent: 1 })).status).toBe(404);
  });
});
