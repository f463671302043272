import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../domain/durations';
import { evaluateLight, nextWakeAt } from '../../../domain/lights';
import { TaskRuleError } from '../../../domain/task-validation';
import { applyTaskEvent, initialTaskState, openTask, replayTask } from '../../../domain/task-transitions';
import type { TaskEffect, TaskEvent, TaskState } from '../../../domain/types';
import { T0, deepFreeze, deptActor, ev, leader, newTask, policy, supervisor, system, task } from './task-fixtures';

const dept = deptActor('d1');
const apply = (s: TaskState, e: TaskEvent) => applyTaskEvent(s, e, e.at);
const ofType = <T extends TaskEffect['type']>(effects: TaskEffect[], type: T) =>
  effects.filter((e): e is Extract<TaskEffect, { type: T }> => e.type === type);

describe('opening a task', () => {
  it('starts assigned and green with its deadlines derived from the policy', () => {
    const t = task();
    expect(t).toMatchObject({
      status: 'assigned',
      light: 'green',
      lightReasons: [{ code: 'on_track' }],
      signDueAt: T0 + DAY_MS,
      warnAt: T0 + 8 * DAY_MS,
      dueAt: T0 + 10 * DAY_MS,
      originalDueAt: T0 + 10 * DAY_MS,
      startedAt: T0,
      outcome: null,
      redEver: false,
      postponed: false,
      version: 0,
    });
  });

  it('notifies the department; a task born inside its warning window is born yellow and says so', () => {
    expect(openTask(newTask(), T0).effects).toEqual([
      { type: 'notify', kind: 'assigned', recipients: ['department'], taskId: 't1', departmentId: 'd1' },
    ]);
    const urgent = openTask(newTask({ dueAt: T0 + DAY_MS }), T0);
    expect(urgent.state.light).toBe('yellow');
    expect(ofType(urgent.effects, 'notify').map((n) => n.kind)).toEqual(['assigned', 'yellow']);
  });

  it('is plain JSON (it travels in Temporal payloads)', () => {
    const t = task();
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });
});

describe('the main path: sign → progress → submit → accept', () => {
  it('moves through the statuses, stamping times and versions', () => {
    const t0 = deepFreeze(task());
    const s1 = apply(t0, ev('sign', dept, T0 + HOUR_MS)).state;
    expect(s1).toMatchObject({ status: 'signed', signedAt: T0 + HOUR_MS, version: 1 });
    const s2 = apply(s1, ev('progress', dept, T0 + DAY_MS, { text: 'drafting', percent: 40 })).state;
    expect(s2).toMatchObject({ status: 'in_progress', lastReportAt: T0 + DAY_MS, percent: 40, version: 2 });
    const s3 = apply(s2, ev('progress', dept, T0 + 2 * DAY_MS, { text: 'no number this time' })).state;
    expect(s3.percent).toBe(40);
    const submit = apply(s3, ev('complete', dept, T0 + 3 * DAY_MS, { summary: 'done', fields: { measures: 'x' } }));
    expect(submit.state).toMatchObject({ status: 'submitted', submittedAt: T0 + 3 * DAY_MS });
    expect(ofType(submit.effects, 'notify')).toEqual([
      { type: 'notify', kind: 'submitted', recipients: ['supervisors'], taskId: 't1', departmentId: 'd1' },
    ]);
    const accept = apply(submit.state, ev('review', supervisor, T0 + 4 * DAY_MS, { decision: 'accept', comment: 'good' }));
    expect(accept.state).toMatchObject({
      status: 'accepted',
      acceptedAt: T0 + 4 * DAY_MS,
      closedAt: T0 + 4 * DAY_MS,
      outcome: 'on_time',
      light: 'green',
      version: 5,
    });
    expect(accept.effects).toEqual([
      { type: 'notify', kind: 'accepted', recipients: ['department'], taskId: 't1', departmentId: 'd1', detail: 'good' },
      { type: 'task_closed', taskId: 't1', status: 'accepted', outcome: 'on_time' },
    ]);
  });
});

describe('return', () => {
  const submitted = apply(apply(task(), ev('sign', dept, T0)).state, ev('complete', dept, T0 + DAY_MS, { summary: 'done' })).state;

  it('sends a submitted task back to in progress with the reason', () => {
    const r = apply(submitted, ev('review', supervisor, T0 + 2 * DAY_MS, { decision: 'return', comment: 'missing figures' }));
    expect(r.state).toMatchObject({ status: 'in_progress', returnCount: 1, submittedAt: null });
    // The return is told to whoever submitted the report.
    expect(submitted.submittedBy).toBe(dept.userId);
    expect(r.state.submittedBy).toBe(dept.userId);
    expect(ofType(r.effects, 'notify')).toEqual([
      { type: 'notify', kind: 'returned', recipients: ['department'], taskId: 't1', departmentId: 'd1', detail: 'missing figures' },
    ]);
    const again = apply(r.state, ev('complete', dept, T0 + 3 * DAY_MS, { summary: 'with figures' })).state;
    expect(apply(again, ev('review', supervisor, T0 + 3 * DAY_MS, { decision: 'accept', comment: 'ok' })).state.status).toBe('accepted');
  });

  it('is refused after acceptance: wrong_state (409), state untouched', () => {
    const accepted = apply(submitted, ev('review', supervisor, T0 + 2 * DAY_MS, { decision: 'accept', comment: 'ok' })).state;
    const attempt = () => apply(accepted, ev('review', supervisor, T0 + 3 * DAY_MS, { decision: 'return', comment: 'changed mind' }));
    expect(attempt).toThrow(TaskRuleError);
    try {
      attempt();
    } catch (e) {
      expect((e as TaskRuleError).violation.code).toBe('wrong_state');
    }
    expect(accepted.status).toBe('accepted');
  });
});

describe('extension after red', () => {
  const signedTask = apply(task(), ev('sign', dept, T0)).state; // due T0+10d, warn 2 days before
  const due = signedTask.dueAt;
  const red = apply(signedTask, ev('tick', system, due));

  it('the due-date tick turns the task red, records it and tells the supervisors and the issuing leader', () => {
    expect(red.state).toMatchObject({ light: 'red', redEver: true });
    expect(red.effects).toEqual([
      { type: 'light_changed', taskId: 't1', from: 'green', to: 'red', reason: expect.objectContaining({ code: 'due_passed' }) },
      {
        type: 'notify',
        kind: 'red',
        recipients: ['supervisors', 'issuing_leader', 'department', 'department_leader'],
        taskId: 't1',
        departmentId: 'd1',
        reason: expect.objectContaining({ code: 'due_passed', zh: '已超过办理期限' }),
      },
    ]);
  });

  const asked = apply(
    red.state,
    ev('extension_request', dept, due + DAY_MS, { reason: 'waiting for data', newDueAt: due + 10 * DAY_MS }),
  ).state;

  it('records the request and asks the supervisors', () => {
    expect(asked.pendingExtension).toEqual({
      reason: 'waiting for data',
      newDueAt: due + 10 * DAY_MS,
      requestedAt: due + DAY_MS,
      actor: dept,
    });
  });

  const approved = apply(asked, ev('extension_decision', supervisor, due + 2 * DAY_MS, { approve: true, comment: 'ok, last time' }));

  it('approval moves dueAt and warnAt, keeps the original due date, turns green, and red stays on record', () => {
    expect(approved.state).toMatchObject({
      dueAt: due + 10 * DAY_MS,
      warnAt: due + 8 * DAY_MS,
      originalDueAt: due,
      postponed: true,
      pendingExtension: null,
      light: 'green',
      redEver: true,
    });
    expect(approved.effects).toEqual([
      { type: 'notify', kind: 'extension_decided', recipients: ['department'], taskId: 't1', departmentId: 'd1', detail: 'ok, last time' },
      { type: 'light_changed', taskId: 't1', from: 'red', to: 'green', reason: expect.objectContaining({ code: 'on_track' }) },
    ]);
    expect(nextWakeAt(approved.state, due + 2 * DAY_MS)).toBe(due + 8 * DAY_MS);
  });

  it('turns yellow, not green, when the new due date is already within the warning lead', () => {
    const near = apply(red.state, ev('extension_request', dept, due + DAY_MS, { reason: 'r', newDueAt: due + 2 * DAY_MS })).state;
    const ok = apply(near, ev('extension_decision', supervisor, due + DAY_MS, { approve: true })).state;
    expect(ok).toMatchObject({ light: 'yellow', redEver: true, lightReasons: [expect.objectContaining({ code: 'warning_window' })] });
  });

  it('completed within the extension: outcome postponed', () => {
    const sub = apply(approved.state, ev('complete', dept, due + 5 * DAY_MS, { summary: 'done' })).state;
    const acc = apply(sub, ev('review', supervisor, due + 6 * DAY_MS, { decision: 'accept', comment: 'ok' })).state;
    expect(acc).toMatchObject({ outcome: 'postponed', redEver: true, light: 'green' });
  });

  it('completed after even the extension: outcome overdue', () => {
    const sub = apply(approved.state, ev('complete', dept, due + 11 * DAY_MS, { summary: 'done' })).state;
    const acc = apply(sub, ev('review', supervisor, due + 11 * DAY_MS, { decision: 'accept', comment: 'late' })).state;
    expect(acc).toMatchObject({ outcome: 'overdue', light: 'red' });
  });

  it('a chosen warning time overrides the default', () => {
    const s = apply(asked, ev('extension_decision', supervisor, due + 2 * DAY_MS, { approve: true, newWarnAt: due + 9 * DAY_MS })).state;
    expect(s.warnAt).toBe(due + 9 * DAY_MS);
  });

  it('denial keeps the dates and clears the request', () => {
    const d = apply(asked, ev('extension_decision', supervisor, due + 2 * DAY_MS, { approve: false, comment: 'no' }));
    expect(d.state).toMatchObject({ dueAt: due, postponed: false, pendingExtension: null, light: 'red' });
    expect(ofType(d.effects, 'notify').map((n) => n.kind)).toEqual(['extension_decided']);
  });

  it('red is recorded even when the timer had not fired before the extension was approved', () => {
    const noTick = apply(signedTask, ev('extension_request', dept, due - DAY_MS, { reason: 'r', newDueAt: due + 10 * DAY_MS })).state;
    const late = apply(noTick, ev('extension_decision', supervisor, due + HOUR_MS, { approve: true })).state;
    expect(late).toMatchObject({ light: 'green', redEver: true });
  });
});

describe('transfer of a yellow task', () => {
  const signedTask = apply(task(), ev('sign', dept, T0)).state;
  const inWarning = T0 + 9 * DAY_MS;
  const yellow = apply(signedTask, ev('tick', system, inWarning)).state;
  const asked = apply(yellow, ev('transfer_request', dept, inWarning, { reason: 'belongs to d3', suggestedDepartmentId: 'd3' }));

  it('records the request and tells the supervisors', () => {
    expect(yellow.light).toBe('yellow');
    expect(asked.state.pendingTransfer).toEqual({
      reason: 'belongs to d3',
      suggestedDepartmentId: 'd3',
      requestedAt: inWarning,
      actor: dept,
    });
    expect(ofType(asked.effects, 'notify').map((n) => [n.kind, n.recipients])).toEqual([['transfer_requested', ['supervisors']]]);
  });

  const moved = apply(
    asked.state,
    ev('transfer_decision', supervisor, inWarning + HOUR_MS, { approve: true, departmentId: 'd2', comment: 'd2 it is' }),
  );

  it('closes the old task as transferred with its yellow light, and asks for a new task for the other department', () => {
    expect(moved.state).toMatchObject({
      status: 'transferred',
      transferredTo: 'd2',
      light: 'yellow',
      pendingTransfer: null,
      closedAt: inWarning + HOUR_MS,
    });
    expect(moved.effects).toEqual([
      { type: 'notify', kind: 'transfer_decided', recipients: ['department'], taskId: 't1', departmentId: 'd1', detail: 'd2 it is' },
      {
        type: 'open_transfer_task',
        fromTaskId: 't1',
        departmentId: 'd2',
        role: 'lead',
        dueAt: T0 + 10 * DAY_MS,
        warnAt: T0 + 8 * DAY_MS,
        originalDueAt: T0 + 10 * DAY_MS,
        postponed: false,
      },
      { type: 'task_closed', taskId: 't1', status: 'transferred', outcome: null },
    ]);
    expect(nextWakeAt(moved.state, inWarning + HOUR_MS)).toBeNull();
  });

  it('the new task starts assigned for the other department, yellow since its warning time has passed', () => {
    const spec = ofType(moved.effects, 'open_transfer_task')[0]!;
    const opened = openTask(
      {
        ...newTask({ id: 't2', departmentId: spec.departmentId, role: spec.role }),
        dueAt: spec.dueAt,
        warnAt: spec.warnAt,
        originalDueAt: spec.originalDueAt,
        postponed: spec.postponed,
      },
      inWarning + HOUR_MS,
    );
    expect(opened.state).toMatchObject({
      id: 't2',
      departmentId: 'd2',
      status: 'assigned',
      light: 'yellow',
      originalDueAt: T0 + 10 * DAY_MS,
    });
    expect(ofType(opened.effects, 'notify').map((n) => n.kind)).toEqual(['assigned', 'yellow']);
  });

  it('defaults to the suggested department; a later timer tick on the closed task does nothing', () => {
    const s = apply(asked.state, ev('transfer_decision', supervisor, inWarning, { approve: true })).state;
    expect(s.transferredTo).toBe('d3');
    const tick = applyTaskEvent(s, ev('tick', system, T0 + 20 * DAY_MS), T0 + 20 * DAY_MS);
    expect(tick.state).toBe(s);
    expect(tick.effects).toEqual([]);
  });

  it('denial keeps the task with its department', () => {
    const s = apply(asked.state, ev('transfer_decision', supervisor, inWarning, { approve: false, comment: 'it is yours' })).state;
    expect(s).toMatchObject({ status: 'signed', pendingTransfer: null, departmentId: 'd1' });
  });
});

describe('urge, cancel, tick', () => {
  const signedTask = apply(task(), ev('sign', dept, T0)).state;

  it('urging counts and notifies the department and its leader with the message', () => {
    const u = apply(signedTask, ev('urge', leader, T0 + DAY_MS, { message: 'please hurry' }));
    expect(u.state.urgeCount).toBe(1);
    expect(u.effects).toEqual([
      {
        type: 'notify',
        kind: 'urged',
        recipients: ['department', 'department_leader'],
        taskId: 't1',
        departmentId: 'd1',
        detail: 'please hurry',
      },
    ]);
  });

  it('cancelling closes the task, keeping its light, clearing pending requests', () => {
    const asked = apply(signedTask, ev('extension_request', dept, T0 + 9 * DAY_MS, { reason: 'r', newDueAt: T0 + 20 * DAY_MS })).state;
    expect(asked.light).toBe('yellow'); // every event re-evaluates the light at its own time
    const c = apply(asked, ev('cancel', supervisor, T0 + 9 * DAY_MS, { reason: 'superseded' }));
    expect(c.state).toMatchObject({ status: 'cancelled', light: 'yellow', pendingExtension: null, closedAt: T0 + 9 * DAY_MS });
    expect(c.effects).toEqual([
      { type: 'notify', kind: 'cancelled', recipients: ['department'], taskId: 't1', departmentId: 'd1', detail: 'superseded' },
      { type: 'task_closed', taskId: 't1', status: 'cancelled', outcome: null },
    ]);
  });

  it('a closing event that catches up a missed timer reports the light change but notifies no alarm', () => {
    const c = apply(signedTask, ev('cancel', supervisor, T0 + 11 * DAY_MS, { reason: 'superseded' }));
    expect(c.state).toMatchObject({ status: 'cancelled', light: 'red', redEver: true });
    expect(c.effects.map((e) => (e.type === 'notify' ? `notify:${e.kind}` : e.type))).toEqual([
      'notify:cancelled',
      'light_changed',
      'task_closed',
    ]);
  });

  it('a tick into the warning window turns yellow and tells the department and its leader', () => {
    const y = apply(signedTask, ev('tick', system, T0 + 8 * DAY_MS));
    expect(y.effects).toEqual([
      { type: 'light_changed', taskId: 't1', from: 'green', to: 'yellow', reason: expect.objectContaining({ code: 'warning_window' }) },
      {
        type: 'notify',
        kind: 'yellow',
        recipients: ['department', 'department_leader'],
        taskId: 't1',
        departmentId: 'd1',
        reason: expect.objectContaining({ code: 'warning_window' }),
      },
    ]);
  });

  it('a tick that changes nothing has no effects but still counts as applied', () => {
    const t = apply(signedTask, ev('tick', system, T0 + DAY_MS));
    expect(t.effects).toEqual([]);
    expect(t.state.version).toBe(signedTask.version + 1);
  });

  it('escalation from a yellow sign-in to red notifies red', () => {
    const unsigned = task();
    const y = apply(unsigned, ev('tick', system, unsigned.signDueAt)).state;
    const r = apply(y, ev('tick', system, unsigned.signDueAt + 3 * DAY_MS));
    expect(r.state).toMatchObject({ light: 'red', redEver: true });
    expect(ofType(r.effects, 'notify').map((n) => [n.kind, n.reason?.code])).toEqual([['red', 'escalated_sign']]);
  });
});

describe("outcome: the completion report's time against the original due date", () => {
  const run = (submitAt: number, extendTo?: number, acceptAt = submitAt + 1) => {
    let s = apply(task(), ev('sign', dept, T0)).state;
    if (extendTo !== undefined) {
      s = apply(s, ev('extension_request', dept, T0 + DAY_MS, { reason: 'r', newDueAt: extendTo })).state;
      s = apply(s, ev('extension_decision', supervisor, T0 + DAY_MS, { approve: true })).state;
    }
    s = apply(s, ev('complete', dept, submitAt, { summary: 'done' })).state;
    return apply(s, ev('review', supervisor, acceptAt, { decision: 'accept', comment: 'ok' })).state.outcome;
  };
  const due = T0 + 10 * DAY_MS;

  it.each([
    ['submitted before the due date', due - 2, undefined, 'on_time'],
    ['submitted at the due instant (red from then on)', due, undefined, 'overdue'],
    ['submitted after the due date, no extension', due + DAY_MS, undefined, 'overdue'],
    ['extended, but submitted before the original date', due - 2, due + 5 * DAY_MS, 'on_time'],
    ['submitted within the extension', due + DAY_MS, due + 5 * DAY_MS, 'postponed'],
    ['submitted after the extension too', due + 6 * DAY_MS, due + 5 * DAY_MS, 'overdue'],
  ])('%s → %s', (_, submitAt, extendTo, outcome) => {
    expect(run(submitAt, extendTo)).toBe(outcome);
  });

  it('a report submitted on time is not overdue because the review came late', () => {
    expect(run(due - DAY_MS, undefined, due + 3 * DAY_MS)).toBe('on_time');
    expect(run(due + DAY_MS, due + 5 * DAY_MS, due + 9 * DAY_MS)).toBe('postponed');
  });
});

describe('purity and replay', () => {
  it('never mutates its input', () => {
    const frozen = deepFreeze(apply(task(), ev('sign', dept, T0)).state);
    expect(() => apply(frozen, ev('progress', dept, T0 + DAY_MS, { text: 'x', percent: 10 }))).not.toThrow();
    expect(frozen.status).toBe('signed');
  });

  it('replaying the recorded events gives the same state as applying them live', () => {
    const start = task({ policy: policy({ reportEveryMs: 3 * DAY_MS }) });
    const events: TaskEvent[] = [
      ev('sign', dept, T0 + HOUR_MS),
      ev('tick', system, T0 + 3 * DAY_MS),
      ev('progress', dept, T0 + 4 * DAY_MS, { text: 'half', percent: 50 }),
      ev('urge', supervisor, T0 + 5 * DAY_MS, { message: 'speed up' }),
      ev('complete', dept, T0 + 6 * DAY_MS, { summary: 'done' }),
      ev('review', supervisor, T0 + 7 * DAY_MS, { decision: 'accept', comment: 'ok' }),
    ];
    let live = start;
    for (const e of events) live = applyTaskEvent(live, e, e.at).state;
    expect(replayTask(start, events)).toEqual(live);
    expect(live).toMatchObject({ status: 'accepted', outcome: 'on_time', redEver: false, version: 6 });
  });

  it('initialTaskState evaluates its first light at its own start', () => {
    const late = initialTaskState(newTask({ dueAt: T0 + HOUR_MS, policy: policy({ warnBeforeMs: 2 * HOUR_MS }) }), T0);
    expect(evaluateLight(late, T0).light).toBe('yellow');
    expect(late.light).toBe('yellow');
  });
});
