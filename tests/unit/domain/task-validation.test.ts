import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../domain/durations';
import { applyTaskEvent, validateNewTask } from '../../../domain/task-transitions';
import { VIOLATION_HTTP_STATUS, validateTaskAction } from '../../../domain/task-validation';
import type { RuleViolation, TaskEvent, TaskState } from '../../../domain/types';
import { T0, admin, auditor, deptActor, ev, leader, newTask, policy, supervisor, system, task } from './task-fixtures';

const dept = deptActor('d1');
const other = deptActor('d2');
const now = T0 + DAY_MS / 2;

const apply = (s: TaskState, e: TaskEvent) => applyTaskEvent(s, e, e.at).state;
const assigned = task();
const signedTask = apply(assigned, ev('sign', dept, now));
const submitted = apply(signedTask, ev('complete', dept, now, { summary: 'done' }));
const accepted = apply(submitted, ev('review', supervisor, now, { decision: 'accept', comment: 'good' }));
const cancelled = apply(signedTask, ev('cancel', supervisor, now, { reason: 'withdrawn' }));
const asked = apply(signedTask, ev('extension_request', dept, now, { reason: 'need time', newDueAt: T0 + 20 * DAY_MS }));
const transferAsked = apply(signedTask, ev('transfer_request', dept, now, { reason: 'not ours', suggestedDepartmentId: 'd3' }));

function expectViolation(v: RuleViolation | null, code: RuleViolation['code'], field?: string): void {
  expect(v).not.toBeNull();
  expect(v!.code).toBe(code);
  expect(v!.message.length).toBeGreaterThan(0);
  expect(v!.messageZh).toMatch(/[\u4e00-\u9fff]/);
  if (field !== undefined) expect(v!.field).toBe(field);
}

describe('who may do what', () => {
  it.each([
    ['another department signs', assigned, ev('sign', other, now)],
    ['a supervisor signs', assigned, ev('sign', supervisor, now)],
    ['a department user without department', assigned, ev('sign', { ...dept, departmentId: null }, now)],
    ['another department reports progress', signedTask, ev('progress', other, now, { text: 'x' })],
    ['an admin reviews', submitted, ev('review', admin, now, { decision: 'accept', comment: '' })],
    ['a leader reviews', submitted, ev('review', leader, now, { decision: 'accept', comment: '' })],
    ['the department reviews itself', submitted, ev('review', dept, now, { decision: 'accept', comment: '' })],
    ['a leader decides an extension', asked, ev('extension_decision', leader, now, { approve: true })],
    ['a department decides a transfer', transferAsked, ev('transfer_decision', dept, now, { approve: true })],
    ['a leader cancels', signedTask, ev('cancel', leader, now, { reason: 'x' })],
    ['a department urges', signedTask, ev('urge', dept, now, { message: 'hurry' })],
    ['an auditor urges', signedTask, ev('urge', auditor, now, { message: 'hurry' })],
    ['a department sends a tick', signedTask, ev('tick', dept, now)],
    [
      'a supervisor recomputes deadlines',
      signedTask,
      ev('deadlines_recomputed', supervisor, now, { dueAt: T0 + DAY_MS * 12, warnAt: T0 + DAY_MS * 10, reason: 'x' }),
    ],
  ])('forbidden: %s (403)', (_, state, event) => {
    expectViolation(validateTaskAction(state, event, now), 'forbidden');
  });

  it.each([
    ['its own department signs', assigned, ev('sign', dept, now)],
    ['a supervisor urges', signedTask, ev('urge', supervisor, now, { message: 'hurry' })],
    ['a leader urges', signedTask, ev('urge', leader, now, { message: 'hurry' })],
    ['the system ticks', signedTask, ev('tick', system, now)],
    [
      'an admin recomputes deadlines',
      signedTask,
      ev('deadlines_recomputed', admin, now, { dueAt: T0 + 12 * DAY_MS, warnAt: T0 + 10 * DAY_MS, reason: 'calendar' }),
    ],
  ])('allowed: %s', (_, state, event) => {
    expect(validateTaskAction(state, event, now)).toBeNull();
  });

  it('checks permission before state, so other departments learn nothing', () => {
    expectViolation(validateTaskAction(accepted, ev('sign', other, now), now), 'forbidden');
  });
});

describe('wrong state (409)', () => {
  it.each([
    ['signing twice', signedTask, ev('sign', dept, now)],
    ['progress before signing', assigned, ev('progress', dept, now, { text: 'x' })],
    ['completing before signing', assigned, ev('complete', dept, now, { summary: 'x' })],
    ['completing twice', submitted, ev('complete', dept, now, { summary: 'x' })],
    ['progress after submitting', submitted, ev('progress', dept, now, { text: 'x' })],
    ['reviewing a task not submitted', signedTask, ev('review', supervisor, now, { decision: 'accept', comment: '' })],
    [
      'a second extension request while one is pending',
      asked,
      ev('extension_request', dept, now, { reason: 'more', newDueAt: T0 + 30 * DAY_MS }),
    ],
    ['an extension request before signing', assigned, ev('extension_request', dept, now, { reason: 'r', newDueAt: T0 + 30 * DAY_MS })],
    ['deciding an extension nobody asked for', signedTask, ev('extension_decision', supervisor, now, { approve: true })],
    ['deciding a transfer nobody asked for', signedTask, ev('transfer_decision', supervisor, now, { approve: true, departmentId: 'd3' })],
    ['a second transfer request', transferAsked, ev('transfer_request', dept, now, { reason: 'again' })],
    ['urging a cancelled task', cancelled, ev('urge', supervisor, now, { message: 'x' })],
    ['cancelling twice', cancelled, ev('cancel', supervisor, now, { reason: 'x' })],
    ['reporting on an accepted task', accepted, ev('progress', dept, now, { text: 'x' })],
    [
      'recomputing deadlines of an accepted task',
      accepted,
      ev('deadlines_recomputed', system, now, { dueAt: T0 + 12 * DAY_MS, warnAt: T0 + 10 * DAY_MS, reason: 'x' }),
    ],
  ])('%s', (_, state, event) => {
    expectViolation(validateTaskAction(state, event, now), 'wrong_state');
  });

  it('refuses to return an accepted task, saying so plainly', () => {
    const v = validateTaskAction(accepted, ev('review', supervisor, now, { decision: 'return', comment: 'redo' }), now);
    expectViolation(v, 'wrong_state');
    expect(v!.message).toMatch(/already accepted/);
    expect(v!.messageZh).toContain('已办结');
    expect(VIOLATION_HTTP_STATUS[v!.code]).toBe(409);
  });

  it('lets a transfer be requested before signing (“not ours”)', () => {
    expect(validateTaskAction(assigned, ev('transfer_request', dept, now, { reason: 'not ours' }), now)).toBeNull();
  });

  it('accepts a late timer tick on a closed task as a harmless no-op', () => {
    expect(validateTaskAction(accepted, ev('tick', system, now), now)).toBeNull();
  });
});

describe('business rules (422)', () => {
  it.each([
    ['percent above 100', signedTask, ev('progress', dept, now, { text: 'x', percent: 101 }), 'percent'],
    ['percent below 0', signedTask, ev('progress', dept, now, { text: 'x', percent: -1 }), 'percent'],
    ['percent not a number', signedTask, ev('progress', dept, now, { text: 'x', percent: Number.NaN }), 'percent'],
    ['empty progress text', signedTask, ev('progress', dept, now, { text: '  ' }), 'text'],
    [
      'extension not after the current due date',
      signedTask,
      ev('extension_request', dept, now, { reason: 'r', newDueAt: T0 + 10 * DAY_MS }),
      'newDueAt',
    ],
    ['extension without a reason', signedTask, ev('extension_request', dept, now, { reason: '', newDueAt: T0 + 20 * DAY_MS }), 'reason'],
    [
      'extension more than ten years ahead',
      signedTask,
      ev('extension_request', dept, now, { reason: 'r', newDueAt: now + 3700 * DAY_MS }),
      'newDueAt',
    ],
    [
      'transfer to the same department',
      signedTask,
      ev('transfer_request', dept, now, { reason: 'r', suggestedDepartmentId: 'd1' }),
      'suggestedDepartmentId',
    ],
    ['transfer without a reason', signedTask, ev('transfer_request', dept, now, { reason: '' }), 'reason'],
    ['completion without a summary', signedTask, ev('complete', dept, now, { summary: '' }), 'summary'],
    ['return without a reason', submitted, ev('review', supervisor, now, { decision: 'return', comment: ' ' }), 'comment'],
    ['an unknown decision', submitted, ev('review', supervisor, now, { decision: 'maybe' as 'accept', comment: 'x' }), 'decision'],
    ['urge without a message', signedTask, ev('urge', leader, now, { message: '' }), 'message'],
    ['cancel without a reason', signedTask, ev('cancel', supervisor, now, { reason: '' }), 'reason'],
    [
      'approving a transfer without a target',
      apply(signedTask, ev('transfer_request', dept, now, { reason: 'r' })),
      ev('transfer_decision', supervisor, now, { approve: true }),
      'departmentId',
    ],
    [
      'approving a transfer back to the same department',
      transferAsked,
      ev('transfer_decision', supervisor, now, { approve: true, departmentId: 'd1' }),
      'departmentId',
    ],
    [
      'a warning time after the new due date',
      asked,
      ev('extension_decision', supervisor, now, { approve: true, newWarnAt: T0 + 21 * DAY_MS }),
      'newWarnAt',
    ],
    [
      'recomputed warnAt after dueAt',
      signedTask,
      ev('deadlines_recomputed', system, now, { dueAt: T0 + 12 * DAY_MS, warnAt: T0 + 13 * DAY_MS, reason: 'x' }),
      'warnAt',
    ],
  ])('%s', (_, state, event, field) => {
    expectViolation(validateTaskAction(state, event, now), 'rule_violation', field);
  });

  it('refuses an extension date in the past (already red, asking for a date still gone)', () => {
    const late = T0 + 15 * DAY_MS;
    const v = validateTaskAction(signedTask, ev('extension_request', dept, late, { reason: 'r', newDueAt: T0 + 12 * DAY_MS }), late);
    expectViolation(v, 'rule_violation', 'newDueAt');
    expect(v!.message).toMatch(/past/);
  });

  it('refuses to approve an extension whose requested date has passed meanwhile', () => {
    const late = T0 + 21 * DAY_MS;
    expectViolation(validateTaskAction(asked, ev('extension_decision', supervisor, late, { approve: true }), late), 'rule_violation');
    expect(validateTaskAction(asked, ev('extension_decision', supervisor, late, { approve: false }), late)).toBeNull();
  });

  it('accepts the edges: percent 0 and 100, a warning at the new due date', () => {
    expect(validateTaskAction(signedTask, ev('progress', dept, now, { text: 'start', percent: 0 }), now)).toBeNull();
    expect(validateTaskAction(signedTask, ev('progress', dept, now, { text: 'end', percent: 100 }), now)).toBeNull();
    expect(
      validateTaskAction(asked, ev('extension_decision', supervisor, now, { approve: true, newWarnAt: T0 + 20 * DAY_MS }), now),
    ).toBeNull();
  });

  it('maps codes to HTTP statuses', () => {
    expect(VIOLATION_HTTP_STATUS).toEqual({ forbidden: 403, wrong_state: 409, rule_violation: 422, invalid_input: 400 });
  });
});

describe('validateNewTask', () => {
  it('accepts a sound task', () => {
    expect(validateNewTask(newTask(), T0)).toBeNull();
  });

  it.each([
    ['a due date in the past', newTask({ dueAt: T0 - 1 }), 'dueAt'],
    ['a warning after the due date', newTask({ warnAt: T0 + 11 * DAY_MS }), 'warnAt'],
    ['a sign-in deadline after the due date', newTask({ signDueAt: T0 + 11 * DAY_MS }), 'signDueAt'],
    ['a negative warning lead', newTask({ policy: policy({ warnBeforeMs: -1 }) }), 'warnBefore'],
    ['a zero report cadence', newTask({ policy: policy({ reportEveryMs: 0 }) }), 'reportEvery'],
    ['a pace margin over 100', newTask({ policy: policy({ paceMarginPercent: 120 }) }), 'paceMarginPercent'],
  ])('refuses %s', (_, input, field) => {
    expectViolation(validateNewTask(input, T0), 'rule_violation', field);
  });
});
