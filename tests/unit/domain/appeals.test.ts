import { describe, expect, it } from 'vitest';
import {
  checkAppealAction,
  citizenStatus,
  contactedWithin,
  isPhoneNumber,
  isQueryCode,
  maskPhone,
  normalPhone,
  phoneFor,
  queryCodeOf,
  stageAfter,
  visitDecision,
  type AppealStage,
} from '../../../domain/appeals';
import { DAY_MS } from '../../../domain/durations';
import { applyTaskEvent } from '../../../domain/task-transitions';
import { validateTaskAction } from '../../../domain/task-validation';
import type { Actor } from '../../../domain/types';
import { T0, deptActor, ev, leader, task } from './task-fixtures';

const operator: Actor = { userId: 'u-op', name: 'Operator', role: 'operator', departmentId: null };

describe('the appeal’s stage', () => {
  it.each<[AppealStage, string[]]>([
    ['registered', ['dispatch']],
    ['dispatched', ['return', 'reply']],
    ['returned', ['dispatch']],
    ['replied', ['visit']],
    ['closed', []],
  ])('%s allows exactly %j', (stage, allowed) => {
    for (const action of ['dispatch', 'return', 'reply', 'visit'] as const) {
      const violation = checkAppealAction({ stage, reopenCount: 0 }, action);
      if (allowed.includes(action)) expect(violation).toBeNull();
      else expect(violation).toMatchObject({ code: 'wrong_state', messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) });
    }
  });

  it('an unsatisfied visit reopens once; any other result, or a second unsatisfied one, closes', () => {
    expect(visitDecision({ stage: 'replied', reopenCount: 0 }, 'unsatisfied')).toEqual({ decision: 'return', reopens: true, stage: 'dispatched' });
    expect(visitDecision({ stage: 'replied', reopenCount: 1 }, 'unsatisfied')).toEqual({ decision: 'accept', reopens: false, stage: 'closed' });
    expect(visitDecision({ stage: 'replied', reopenCount: 0 }, 'basically_satisfied')).toMatchObject({ decision: 'accept', stage: 'closed' });
    expect(stageAfter('return')).toBe('returned');
    expect(stageAfter('reply')).toBe('replied');
  });

  it('a citizen sees a returned appeal as simply received', () => {
    expect(citizenStatus('returned')).toBe('received');
    expect(citizenStatus('dispatched')).toBe('handling');
  });

  it('contact within the window counts from the dispatch', () => {
    expect(contactedWithin(T0, T0 + DAY_MS, DAY_MS)).toBe(true);
    expect(contactedWithin(T0, T0 + DAY_MS + 1, DAY_MS)).toBe(false);
  });
});

describe('the citizen’s phone', () => {
  it('masks all but the first three and last four digits', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('057188881234')).toBe('057*****1234');
  });

  it('shows the number to operators and handling departments only', () => {
    const handling = ['d1'];
    expect(phoneFor({ role: 'operator', departmentId: null }, '13812341234', [])).toBe('13812341234');
    expect(phoneFor({ role: 'department', departmentId: 'd1' }, '13812341234', handling)).toBe('13812341234');
    for (const viewer of [{ role: 'department', departmentId: 'd2' }, { role: 'supervisor', departmentId: null }, { role: 'leader', departmentId: null }, { role: 'auditor', departmentId: null }, { role: 'admin', departmentId: null }]) {
      expect(phoneFor(viewer, '13812341234', handling)).toBe('138****1234');
    }
  });

  it('accepts mobiles and landlines, and compares them however they were typed', () => {
    for (const ok of ['13812341234', '+8613812341234', '0571-88881234', '01088881234']) expect(isPhoneNumber(ok)).toBe(true);
    for (const bad of ['12345', '12812341234', 'abc', '138123412345']) expect(isPhoneNumber(bad)).toBe(false);
    expect(normalPhone('+86 138 1234 1234')).toBe('13812341234');
  });

  it('query codes avoid look-alike characters', () => {
    const code = queryCodeOf(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 255]));
    expect(isQueryCode(code)).toBe(true);
    expect(code).not.toMatch(/[01OIL]/);
  });
});

describe('the operator on an appeal’s task', () => {
  const dept = deptActor('d1');
  const now = T0 + DAY_MS / 2;
  const signed = applyTaskEvent(task(), ev('sign', dept, now), now).state;
  const submitted = applyTaskEvent(signed, ev('complete', dept, now, { summary: 'replied' }), now).state;
  const returned = applyTaskEvent(signed, ev('transfer_request', dept, now, { reason: 'not ours' }), now).state;

  it('reviews (the return visit) and decides a return (the re-dispatch), as a supervisor would', () => {
    expect(validateTaskAction(submitted, ev('review', operator, now, { decision: 'return', comment: '不满意' }), now)).toBeNull();
    expect(validateTaskAction(returned, ev('transfer_decision', operator, now, { approve: true, departmentId: 'd2' }), now)).toBeNull();
  });

  it('but neither signs nor urges, and a leader still does not review', () => {
    expect(validateTaskAction(task(), ev('sign', operator, now), now)).toMatchObject({ code: 'forbidden' });
    // A task hears a cancel only from its item: an operator's comes from merging an appeal into another (domain/item-merge.ts).
    expect(validateTaskAction(signed, ev('cancel', operator, now, { reason: 'merged into SQ-1' }), now)).toBeNull();
    expect(validateTaskAction(signed, ev('urge', operator, now, { message: 'x' }), now)).toMatchObject({ code: 'forbidden' });
    expect(validateTaskAction(submitted, ev('review', leader, now, { decision: 'accept', comment: '' }), now)).toMatchObject({ code: 'forbidden' });
  });
});
