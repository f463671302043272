/**
 * GET /api/me/work ("what needs me now"), and the launch form's calendar helpers
 * (GET /api/calendar/due-date, POST /api/calendar/:year/impact), against the real platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkCalendar } from '../../api/services/organisation/calendar';
import { localDate } from '../../domain';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';

let h: ApiHarness;
let admin: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let deptA: string;
let deptB: string;

beforeAll(async () => {
  h = await startApiHarness();
  deptA = (await h.createDepartment('待办甲局')).id;
  deptB = (await h.createDepartment('待办乙局')).id;
  [admin, supervisor, leader] = await Promise.all([h.createUser('admin'), h.createUser('supervisor'), h.createUser('leader')]);
  [staffA, staffB] = await Promise.all([h.createUser('department', deptA), h.createUser('department', deptB)]);
});
afterAll(async () => h?.close());

type Entry = { taskId?: string; itemId: string; countdownTo?: string; dueAt: string };
const ids = (list: Entry[]) => list.map((e) => e.taskId ?? e.itemId);

describe('GET /api/me/work', () => {
  it('lists what waits on each caller, with its countdown, and nothing of another department', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }, { departmentId: deptB, role: 'assist' }]));
    expect(launched.status).toBe(201);
    const taskA = launched.body.tasks.find((t: { departmentId: string }) => t.departmentId === deptA);
    const taskB = launched.body.tasks.find((t: { departmentId: string }) => t.departmentId === deptB);

    const workA = (await staffA.get('/api/me/work')).body;
    const signA = workA.toSign.find((e: Entry) => e.taskId === taskA.id);
    expect(signA).toMatchObject({ itemId: launched.body.id, itemCode: launched.body.code, itemTitle: launched.body.title, departmentId: deptA, status: 'assigned', countdownTo: taskA.signDueAt, dueAt: taskA.dueAt });
    expect(typeof signA.departmentName).toBe('string');
    expect(ids(workA.toSign)).not.toContain(taskB.id);
    expect(ids((await staffB.get('/api/me/work')).body.toSign)).toEqual([taskB.id]);

    expect((await staffA.post(`/api/tasks/${taskA.id}/sign`)).status).toBe(200);
    const reports = await waitFor(async () => {
      const work = (await staffA.get('/api/me/work')).body;
      return work.reportsDue.find((e: Entry) => e.taskId === taskA.id);
    }, 'the signed task among reports due');
    expect(Date.parse(reports.countdownTo)).toBeLessThanOrEqual(Date.parse(taskA.dueAt));

    expect((await staffA.post(`/api/tasks/${taskA.id}/complete`, { summary: '已办结' })).status).toBe(200);
    const review = await waitFor(async () => {
      const work = (await supervisor.get('/api/me/work')).body;
      return work.reviewsWaiting.find((e: Entry) => e.taskId === taskA.id);
    }, "the submitted task among the supervisor's reviews");
    expect(review.countdownTo).toBe(taskA.dueAt);
    const workB = (await staffB.get('/api/me/work')).body;
    for (const list of ['toSign', 'reportsDue', 'reviewsWaiting', 'extensionRequests', 'transferRequests'])
      expect(ids(workB[list]), list).not.toContain(taskA.id);
    // The supervisor decides; the department's own lists hold no one else's work.
    expect((await supervisor.get('/api/me/work')).body.toSign).toEqual([]);
    expect(ids((await leader.get('/api/me/work')).body.issuedItems)).toContain(launched.body.id);
    await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: 'test finished' });
  });
});

describe('calendar helpers for the launch form', () => {
  it('due-date gives exactly the deadline a launch of N working days gets', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }], { dueAt: undefined, dueInWorkingDays: 7 }));
    expect(launched.status).toBe(201);
    const answer = await staffA.get(`/api/calendar/due-date?days=7&from=${encodeURIComponent(launched.body.createdAt)}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ dueAt: launched.body.dueAt });
    expect(Date.parse((await staffA.get('/api/calendar/due-date?days=1')).body.dueAt)).toBeGreaterThan(Date.now());
    await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: 'test finished' });
  });

  it('due-date refuses what it cannot compute, naming the parameter', async () => {
    const fields = async (query: string) => {
      const answer = await staffA.get(`/api/calendar/due-date?${query}`);
      expect(answer.status, query).toBe(400);
      return answer.body.error.details.fields.map((f: { field: string }) => f.field);
    };
    expect(await fields('days=0')).toEqual(['querystring.days']);
    expect(await fields('days=5&from=1999-12-31T00:00:00Z')).toEqual(['querystring.from']);
    expect(await fields('days=5&from=tomorrow')).toEqual(['querystring.from']);
  });

  it('impact counts the open tasks a change would recompute, and saves nothing', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }], { dueAt: undefined, dueInWorkingDays: 5 }));
    expect(launched.status).toBe(201);
    await waitFor(async () => (await supervisor.get(`/api/items/${launched.body.id}`)).body.timeline.some((e: { type: string }) => e.type === 'assigned'), 'the task workflow');
    const dueAt = Date.parse(launched.body.dueAt);
    const calendar = await loadWorkCalendar(h.deps.database.db, 2026, 2040);
    const dueDate = localDate(dueAt, calendar);
    const year = Number(dueDate.slice(0, 4));
    const stored = (await admin.get(`/api/calendar/${year}`)).body.overrides as { date: string; kind: string; note: string | null }[];

    const impact = await admin.post(`/api/calendar/${year}/impact`, { overrides: [...stored.filter((o) => o.date !== dueDate), { date: dueDate, kind: 'holiday', note: '试算' }] });
    expect(impact.status).toBe(200);
    expect(impact.body.openTasksToRecompute).toBeGreaterThanOrEqual(1);
    expect((await admin.get(`/api/calendar/${year}`)).body.overrides).toEqual(stored);
    expect((await supervisor.get(`/api/items/${launched.body.id}`)).body.tasks[0].dueAt).toBe(launched.body.tasks[0].dueAt);
    // The same body as PUT: a bad date is refused the same way.
    const bad = await admin.post(`/api/calendar/${year}/impact`, { overrides: [{ date: `${year + 1}-01-05`, kind: 'holiday' }] });
    expect(bad.status).toBe(400);
    expect((await supervisor.post(`/api/calendar/${year}/impact`, { overrides: [] })).status).toBe(403);
    await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: 'test finished' });
  });
});
