// The light schedule a projection stores and the one rule every read applies to it (effectiveLight).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../domain/durations';
import { effectiveLight, evaluateLight, lightSchedule, nextLightInstants, taskChangeConcernsItem } from '../../../domain/lights';
import { applyTaskEvent } from '../../../domain/task-transitions';
import type { TaskState } from '../../../domain/types';
import { T0, deptActor, ev, policy, supervisor, system, task } from './task-fixtures';

const dept = deptActor('d1');
const signed = (t: TaskState, when = T0) => applyTaskEvent(t, ev('sign', dept, when), when).state;
/** A task's state as the workflow stored it at `at` (its light evaluated then), read at `now`. */
const readAt = (s: TaskState, now: number) =>
  effectiveLight({ light: s.light, reason: s.lightReasons[0] ?? evaluateLight(s, s.startedAt).reason, schedule: lightSchedule(s) }, now);

describe('lightSchedule', () => {
  const t = signed(task()); // due T0+10d, warned 2 days before

  it('gives the yellow instant (warnAt) and the red one (dueAt), each with its reason', () => {
    expect(lightSchedule(t)).toEqual({
      yellow: { at: T0 + 8 * DAY_MS, reason: { code: 'warning_window', en: 'due within 2 days', zh: '距办理期限不足2天' } },
      red: { at: T0 + 10 * DAY_MS, reason: { code: 'due_passed', en: 'due date passed', zh: '已超过办理期限' } },
    });
  });

  it('an unsigned task turns yellow at its sign-in deadline, red at its escalation', () => {
    const s = lightSchedule(task());
    expect(s.yellow).toMatchObject({ at: T0 + DAY_MS, reason: { code: 'sign_overdue' } });
    expect(s.red).toMatchObject({ at: T0 + 4 * DAY_MS, reason: { code: 'escalated_sign' } });
  });

  it('a red instant before any yellow one is also the yellow instant (red implies yellow-or-worse)', () => {
    const s = lightSchedule(signed(task({ dueAt: T0 + HOUR_MS, policy: policy({ warnBeforeMs: 0 }) })));
    expect(s.yellow?.at).toBe(T0 + HOUR_MS);
    expect(s.red?.at).toBe(T0 + HOUR_MS);
    expect(s.yellow?.reason.code).toBe('due_passed');
  });

  it('is empty for a closed task: its light is frozen', () => {
    const late = t.dueAt + DAY_MS;
    const sub = applyTaskEvent(t, ev('complete', dept, late, { summary: 'done late' }), late).state;
    const acc = applyTaskEvent(sub, ev('review', supervisor, late, { decision: 'accept', comment: 'ok' }), late).state;
    expect(lightSchedule(acc)).toEqual({ yellow: null, red: null });
    expect(readAt(acc, late + 100 * DAY_MS)).toMatchObject({ light: 'red', reason: { code: 'due_passed' } });
  });
});

describe('nextLightInstants', () => {
  const t = signed(task());

  it('green: both instants ahead', () => {
    expect(nextLightInstants(t, T0 + HOUR_MS)).toMatchObject({ yellow: { at: t.warnAt }, red: { at: t.dueAt } });
  });

  it('already yellow: only the red instant is left', () => {
    expect(nextLightInstants(t, t.warnAt + HOUR_MS)).toEqual({ yellow: null, red: { at: t.dueAt, reason: expect.objectContaining({ code: 'due_passed' }) } });
  });

  it('at an instant exactly equal to now, that light is already on', () => {
    expect(nextLightInstants(t, t.warnAt).yellow).toBeNull();
    expect(nextLightInstants(t, t.dueAt)).toEqual({ yellow: null, red: null });
  });
});

describe('effectiveLight', () => {
  const t = signed(task()); // stored green at T0

  it('is the stored light while no instant has passed', () => {
    expect(readAt(t, t.warnAt - 1)).toMatchObject({ light: 'green', reason: { code: 'on_track' } });
  });

  it('turns yellow at the yellow instant itself (inclusive), with its reason, though the stored light is still green', () => {
    expect(readAt(t, t.warnAt)).toEqual({ light: 'yellow', reason: { code: 'warning_window', en: 'due within 2 days', zh: '距办理期限不足2天' } });
  });

  it('already yellow (stored): turns red at the red instant with the red reason', () => {
    const yellow = applyTaskEvent(t, ev('tick', system, t.warnAt), t.warnAt).state;
    expect(yellow.light).toBe('yellow');
    expect(readAt(yellow, t.dueAt - 1)).toMatchObject({ light: 'yellow', reason: { code: 'warning_window' } });
    expect(readAt(yellow, t.dueAt)).toMatchObject({ light: 'red', reason: { code: 'due_passed' } });
  });

  it('a stored light as bad as the schedule keeps its own reason', () => {
    const red = applyTaskEvent(t, ev('tick', system, t.dueAt), t.dueAt).state;
    expect(readAt(red, t.dueAt + DAY_MS)).toEqual({ light: 'red', reason: red.lightReasons[0] });
  });

  it('agrees with evaluateLight at any read instant, whenever the stored light was evaluated', () => {
    const tasks = [t, task(), signed(task({ policy: policy({ reportEveryMs: 2 * DAY_MS, escalateAfterMs: DAY_MS }) }))];
    fc.assert(
      fc.property(fc.constantFrom(...tasks), fc.integer({ min: 0, max: 12 * DAY_MS }), fc.integer({ min: 0, max: 12 * DAY_MS }), (s, storedAt, later) => {
        const stored = applyTaskEvent(s, ev('tick', system, T0 + storedAt), T0 + storedAt).state;
        const now = T0 + storedAt + later;
        expect(readAt(stored, now).light).toBe(evaluateLight(stored, now).light);
      }),
    );
  });
});

describe('taskChangeConcernsItem', () => {
  it('is true for a status change or the first word, false for a light change alone', () => {
    const t = signed(task());
    const yellow = applyTaskEvent(t, ev('tick', system, t.warnAt), t.warnAt).state;
    expect(taskChangeConcernsItem(null, t)).toBe(true);
    expect(taskChangeConcernsItem(task(), t)).toBe(true);
    expect(taskChangeConcernsItem(t, yellow)).toBe(false);
  });
});
