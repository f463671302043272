import { describe, expect, it } from 'vitest';
import type { WorkCalendar } from '../../../domain/calendar';
import { WEEKENDS_ONLY_CHINA } from '../../../domain/calendar';
import { recomputeDeadlines, resolveDeadlines } from '../../../domain/deadlines';
import { DAY_MS, SECOND_MS } from '../../../domain/durations';
import { applyTaskEvent } from '../../../domain/task-transitions';
import { at, ev, policy, supervisor, system, task } from './task-fixtures';

const NATIONAL_DAY_2026: WorkCalendar = {
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
  utcOffsetMinutes: 480,
};

describe('resolveDeadlines', () => {
  const launch = at('2026-09-21T09:00:00+08:00'); // Monday

  it('rolls a due date on National Day to the end of the next working day', () => {
    const d = resolveDeadlines(
      { startAt: launch, dueAt: at('2026-10-01T18:00:00+08:00'), warnBeforeMs: 2 * DAY_MS, signWithinMs: DAY_MS },
      NATIONAL_DAY_2026,
    );
    expect(d.dueAt).toBe(at('2026-10-08T23:59:59+08:00'));
    expect(d.warnAt).toBe(at('2026-10-06T23:59:59+08:00'));
    expect(d.signDueAt).toBe(at('2026-09-22T09:00:00+08:00'));
  });

  it('counts working days when asked to', () => {
    const d = resolveDeadlines(
      { startAt: at('2026-09-28T09:00:00+08:00'), dueInWorkingDays: 3, warnBeforeMs: DAY_MS, signWithinMs: DAY_MS },
      NATIONAL_DAY_2026,
    );
    expect(d.dueAt).toBe(at('2026-10-08T23:59:59+08:00')); // 09-29, 09-30, 10-08
  });

  it('keeps sub-day deadlines exactly as given, even on a holiday (PT5S demos)', () => {
    const start = at('2026-10-02T10:00:00+08:00');
    const d = resolveDeadlines(
      { startAt: start, dueAt: start + 30 * SECOND_MS, warnBeforeMs: 10 * SECOND_MS, signWithinMs: 5 * SECOND_MS },
      NATIONAL_DAY_2026,
    );
    expect(d).toEqual({ dueAt: start + 30 * SECOND_MS, warnAt: start + 20 * SECOND_MS, signDueAt: start + 5 * SECOND_MS });
  });

  it('rolls a one-day sign-in window that ends on a weekend; or counts it in working days', () => {
    const fri = at('2026-06-05T10:00:00+08:00');
    const base = { startAt: fri, dueAt: fri + 20 * DAY_MS, warnBeforeMs: DAY_MS, signWithinMs: DAY_MS };
    expect(resolveDeadlines(base, WEEKENDS_ONLY_CHINA).signDueAt).toBe(at('2026-06-08T23:59:59+08:00'));
    expect(resolveDeadlines({ ...base, signWithinWorkingDays: 2 }, WEEKENDS_ONLY_CHINA).signDueAt).toBe(at('2026-06-09T23:59:59+08:00'));
  });

  it('needs a due date of some kind', () => {
    expect(() => resolveDeadlines({ startAt: launch, warnBeforeMs: 0, signWithinMs: 0 }, NATIONAL_DAY_2026)).toThrow(
      /dueAt or dueInWorkingDays/,
    );
  });
});

describe('recomputeDeadlines after a calendar change', () => {
  const start = at('2026-09-28T09:00:00+08:00');
  const wd = (count: number) => policy({ workingDays: { count }, warnBeforeMs: DAY_MS, signWithinWorkingDays: 1 });
  // Launched when the calendar did not yet know National Day: 3 working days ended 10-01.
  const before = task({ dueAt: at('2026-10-01T23:59:59+08:00'), signDueAt: at('2026-09-29T23:59:59+08:00'), policy: wd(3) }, start);

  it('gives the new deadlines for a working-day task', () => {
    expect(recomputeDeadlines(before, NATIONAL_DAY_2026)).toEqual({
      dueAt: at('2026-10-08T23:59:59+08:00'),
      warnAt: at('2026-10-07T23:59:59+08:00'),
    });
  });

  it('is null when nothing changes or the task was not set in working days', () => {
    expect(recomputeDeadlines(before, WEEKENDS_ONLY_CHINA)).toBeNull();
    expect(recomputeDeadlines(task({}, start), NATIONAL_DAY_2026)).toBeNull();
  });

  it('also moves an unsigned task’s working-day sign-in deadline', () => {
    const t = task(
      { dueAt: at('2026-10-20T23:59:59+08:00'), signDueAt: at('2026-10-01T23:59:59+08:00'), policy: wd(15) },
      at('2026-09-30T09:00:00+08:00'),
    );
    const r = recomputeDeadlines(t, NATIONAL_DAY_2026);
    expect(r?.signDueAt).toBe(at('2026-10-08T23:59:59+08:00'));
  });

  it('applied as an event: moves dueAt, warnAt and the original due date of a task not postponed', () => {
    const r = recomputeDeadlines(before, NATIONAL_DAY_2026)!;
    const now = start + DAY_MS;
    const { state, effects } = applyTaskEvent(before, ev('deadlines_recomputed', system, now, { ...r, reason: 'calendar updated' }), now);
    expect(state.dueAt).toBe(r.dueAt);
    expect(state.originalDueAt).toBe(r.dueAt);
    expect(state.warnAt).toBe(r.warnAt);
    expect(effects).toContainEqual(expect.objectContaining({ type: 'notify', kind: 'deadlines_changed', detail: 'calendar updated' }));
  });

  it('applied to a postponed task: only the original due date follows the calendar', () => {
    const signed = applyTaskEvent(
      before,
      ev('sign', { userId: 'u', name: 'n', role: 'department', departmentId: 'd1' }, start),
      start,
    ).state;
    const asked = applyTaskEvent(
      signed,
      ev('extension_request', { userId: 'u', name: 'n', role: 'department', departmentId: 'd1' }, start, {
        reason: 'need more time',
        newDueAt: at('2026-10-30T23:59:59+08:00'),
      }),
      start,
    ).state;
    const postponed = applyTaskEvent(asked, ev('extension_decision', supervisor, start, { approve: true }), start).state;
    const r = recomputeDeadlines(postponed, NATIONAL_DAY_2026)!;
    expect(r.dueAt).toBe(at('2026-10-08T23:59:59+08:00'));
    const { state } = applyTaskEvent(postponed, ev('deadlines_recomputed', system, start, { ...r, reason: 'calendar updated' }), start);
    expect(state.originalDueAt).toBe(at('2026-10-08T23:59:59+08:00'));
    expect(state.dueAt).toBe(at('2026-10-30T23:59:59+08:00'));
    expect(state.warnAt).toBe(postponed.warnAt);
  });

  it('a recomputation that changes nothing notifies nobody', () => {
    const { effects } = applyTaskEvent(
      before,
      ev('deadlines_recomputed', system, start, { dueAt: before.dueAt, warnAt: before.warnAt, reason: 'no-op' }),
      start,
    );
    expect(effects).toEqual([]);
  });
});
