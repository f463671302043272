import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkCalendar } from '../../api/services/organisation/calendar';
import { addWorkingDays, localDate } from '../../domain';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';

let h: ApiHarness;
let admin: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness();
  dept = (await h.createDepartment('日历局')).id;
  [admin, supervisor, leader] = await Promise.all([h.createUser('admin'), h.createUser('supervisor'), h.createUser('leader')]);
});
afterAll(async () => h?.close());

describe('a working-day calendar change', () => {
  it('recomputes open working-day deadlines through their workflows, with the reason on record', async () => {
    // ~5 years of working days: the deadline lands in a year no other test touches.
    const workingDays = 1300;
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }], { dueAt: undefined, dueInWorkingDays: workingDays }));
    expect(launched.status).toBe(201);
    const task = launched.body.tasks[0];
    const oldDue = Date.parse(task.dueAt);
    const calendarBefore = await loadWorkCalendar(h.deps.database.db, 2026, 2033);
    const dueDate = localDate(oldDue, calendarBefore);
    const year = Number(dueDate.slice(0, 4));
    // Wait until the task workflow runs (the change is told to running workflows).
    await waitFor(async () => {
      const d = await supervisor.get(`/api/items/${launched.body.id}`);
      return d.body.timeline.some((e: { type: string }) => e.type === 'assigned');
    }, 'the task workflow');

    const previous = (await admin.get(`/api/calendar/${year}`)).body.overrides as { date: string; kind: string; note: string | null }[];
    try {
      const put = await admin.request('PUT', `/api/calendar/${year}`, {
        overrides: [...previous.filter((o) => o.date !== dueDate), { date: dueDate, kind: 'holiday', note: '测试：新增假日' }],
      });
      expect(put.status).toBe(200);
      expect(put.body.affectedWorkflows).toBeGreaterThanOrEqual(1);

      // The due day is now a day off: the deadline moves to the end of a later working day.
      const calendarAfter = await loadWorkCalendar(h.deps.database.db, 2026, year + 1);
      const expected = addWorkingDays(Date.parse(launched.body.createdAt), workingDays, calendarAfter);
      expect(expected).toBeGreaterThan(oldDue);
      const moved = await waitFor(async () => {
        const d = await supervisor.get(`/api/items/${launched.body.id}`);
        return Date.parse(d.body.tasks[0].dueAt) === expected ? d.body : undefined;
      }, 'the recomputed due date');
      expect(moved.tasks[0].originalDueAt).toBe(new Date(expected).toISOString());
      expect(Date.parse(moved.tasks[0].dueAt) - Date.parse(moved.tasks[0].warnAt)).toBe(oldDue - Date.parse(task.warnAt));
      const recorded = moved.timeline.find((e: { type: string }) => e.type === 'deadlines_recomputed');
      expect(recorded?.reason?.en).toContain(`calendar ${year}`);
    } finally {
      await admin.request('PUT', `/api/calendar/${year}`, { overrides: previous });
      // A closed task is never asked again by later calendar changes (its worker is gone after this file).
      await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: 'test finished' });
    }
  });
});
