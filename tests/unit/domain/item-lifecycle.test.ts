// The item's lifecycle as pure steps: what launch, a task's news, a transfer, cancel, archive and the
// supervisor's and leader's actions do to the item and what they ask the workflow to do.
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../domain/durations';
import {
  applyItemEvent,
  archiveDueAt,
  ItemRuleError,
  launchItem,
  taskChangedEvent,
  validateItemAction,
  type ItemEvent,
  type ItemFields,
  type ItemState,
} from '../../../domain/item-lifecycle';
import { applyTaskEvent } from '../../../domain/task-transitions';
import { taskToWire } from '../../../domain/wire';
import type { TaskState } from '../../../domain/types';
import { deepFreeze, deptActor, ev, leader, newTask, policy, supervisor, system, T0, task } from './task-fixtures';

const fields: ItemFields = {
  id: 'i1',
  code: 'DC-2026-0001',
  kind: 'meeting_resolution',
  title: '整治背街小巷',
  description: '',
  source: '',
  issuedBy: leader.userId,
  public: false,
  dueAt: T0 + 20 * DAY_MS,
  createdAt: T0,
};

function launched(): ItemState {
  const specs = [newTask({ id: 't1', departmentId: 'd1' }), newTask({ id: 't2', departmentId: 'd2', role: 'assist' })];
  return deepFreeze(launchItem(fields, specs, supervisor, T0).state);
}

/** The task's news, as its workflow tells the item, after it applied `events` in order. */
function news(t: TaskState, ...events: Parameters<typeof ev>[]) {
  let s = t;
  for (const e of events) s = applyTaskEvent(s, ev(...e), e[2]).state;
  return { state: s, event: taskChangedEvent({ task: taskToWire(s) }, events.at(-1)![2]) };
}

const step = (s: ItemState, e: ItemEvent) => applyItemEvent(s, e, e.at);

describe('launch', () => {
  it('opens one task per department, records who launched it, and starts green and launched', () => {
    const specs = [newTask({ id: 't1' }), newTask({ id: 't2', departmentId: 'd2', role: 'assist' })];
    const { state, effects } = launchItem(fields, specs, supervisor, T0);
    expect(state).toMatchObject({ status: 'launched', light: 'green', redEver: false, version: 0, launchedAt: T0 });
    expect(state.tasks.map((t) => [t.id, t.departmentId, t.version])).toEqual([
      ['t1', 'd1', -1],
      ['t2', 'd2', -1],
    ]);
    expect(effects.map((e) => e.type)).toEqual(['start_task', 'start_task', 'record', 'projected']);
    expect(effects[2]).toMatchObject({ entry: 'launched', actor: supervisor });
  });
});

describe("a task's news", () => {
  it('rolls status up (signed → in progress; every task accepted → completed, with the instant) and bumps the version', () => {
    let s = launched();
    const t1 = news(task({ id: 't1' }), ['sign', deptActor('d1'), T0 + 1000]);
    s = step(s, t1.event).state;
    expect(s).toMatchObject({ status: 'in_progress', version: 1 });

    const done = (id: string, dept: string) =>
      news(
        task({ id, departmentId: dept, role: id === 't1' ? 'lead' : 'assist' }),
        ['sign', deptActor(dept), T0 + 1000],
        ['complete', deptActor(dept), T0 + 2000, { summary: '已办结' }],
        ['review', supervisor, T0 + 3000, { decision: 'accept', comment: '' }],
      );
    s = step(s, done('t1', 'd1').event).state;
    expect(s.status).toBe('in_progress');
    const last = step(s, done('t2', 'd2').event);
    expect(last.state).toMatchObject({ status: 'completed', completedAt: T0 + 3000 });
    expect(last.effects).toContainEqual(expect.objectContaining({ type: 'record', entry: 'item_status_changed', payload: { from: 'in_progress', to: 'completed' } }));
  });

  it('ignores a copy no newer than the one it holds (at least once delivery)', () => {
    const s = launched();
    const t1 = news(task({ id: 't1' }), ['sign', deptActor('d1'), T0 + 1000]);
    const once = step(s, t1.event).state;
    const twice = step(once, t1.event);
    expect(twice.state).toEqual(once);
    expect(twice.effects).toEqual([]);
  });

  it('a red task makes the item red and redEver, and stays redEver after the task is back to green', () => {
    const red = { ...taskToWire(task({ id: 't1' })), version: 5, light: 'red' as const, redEver: true };
    const s = step(launched(), taskChangedEvent({ task: red }, T0 + DAY_MS)).state;
    expect(s).toMatchObject({ light: 'red', redEver: true });
    const back = step(s, taskChangedEvent({ task: { ...red, version: 6, light: 'green' } }, T0 + 2 * DAY_MS)).state;
    expect(back).toMatchObject({ light: 'green', redEver: true });
  });

  it('an approved transfer opens the new department before rolling up, so the item never looks completed in between', () => {
    const moved = { ...taskToWire(task({ id: 't1' })), version: 4, status: 'transferred' as const };
    const spec = newTask({ id: 't3', departmentId: 'd3' });
    const { state, effects } = step(launched(), taskChangedEvent({ task: moved, openTransfer: { spec, actor: supervisor } }, T0 + 1000));
    expect(state.tasks.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect(state.status).not.toBe('completed');
    expect(effects.slice(0, 2)).toEqual([
      { type: 'start_task', spec, openedBy: supervisor, fromTaskId: 't1' },
      expect.objectContaining({ type: 'record', entry: 'task_transferred', payload: { fromTaskId: 't1', newTaskId: 't3', departmentId: 'd3' } }),
    ]);
  });
});

describe("the supervisor's and the leader's actions", () => {
  const at = T0 + 1000;

  it('cancel: only a supervisor, with a reason; every open task is told, the item records why', () => {
    const s = launched();
    expect(validateItemAction(s, { type: 'cancel', actor: leader, at, reason: 'x' }, at)).toMatchObject({ code: 'forbidden' });
    expect(validateItemAction(s, { type: 'cancel', actor: supervisor, at, reason: ' ' }, at)).toMatchObject({ code: 'rule_violation', field: 'reason' });
    const { state, effects } = step(s, { type: 'cancel', actor: supervisor, at, reason: '重复立项' });
    expect(state).toMatchObject({ status: 'cancelled', cancelledAt: at, cancelReason: '重复立项', version: 1 });
    expect(effects.filter((e) => e.type === 'tell_task').map((e) => e.type === 'tell_task' && e.taskId)).toEqual(['t1', 't2']);
    expect(() => step(state, { type: 'cancel', actor: supervisor, at, reason: 'again' })).toThrow(ItemRuleError);
  });

  it('add an assisting department: opens its task at the item deadline unless told; not a department already working on it', () => {
    const s = launched();
    const e: ItemEvent = { type: 'add_assist', actor: supervisor, at, taskId: 't9', departmentId: 'd9', policy: policy() };
    const { state, effects } = step(s, e);
    expect(state.tasks.at(-1)).toMatchObject({ id: 't9', departmentId: 'd9', role: 'assist', dueAt: new Date(fields.dueAt).toISOString() });
    expect(effects[0]).toMatchObject({ type: 'start_task', spec: { id: 't9', departmentId: 'd9', dueAt: fields.dueAt } });
    expect(validateItemAction(s, { ...e, departmentId: 'd2' }, at)).toMatchObject({ code: 'wrong_state', field: 'departmentId' });
    expect(validateItemAction(s, { ...e, dueAt: at - 1 }, at)).toMatchObject({ field: 'dueAt' });
  });

  it("change the deadline: the item's due date moves and every open task follows", () => {
    const dueAt = T0 + 30 * DAY_MS;
    const { state, effects } = step(launched(), { type: 'change_deadline', actor: supervisor, at, dueAt, reason: '市政府同意延期' });
    expect(state.item.dueAt).toBe(dueAt);
    expect(effects.filter((e) => e.type === 'tell_task')).toHaveLength(2);
    expect(validateItemAction(launched(), { type: 'change_deadline', actor: supervisor, at, dueAt: at - 1, reason: 'x' }, at)).toMatchObject({ field: 'dueAt' });
  });

  it('instruct: a leader or supervisor; the departments hear of it; the item itself does not change', () => {
    const s = launched();
    const { state, effects } = step(s, { type: 'instruct', actor: leader, at, id: 'n1', text: '请抓紧办理' });
    expect(state).toBe(s);
    expect(effects).toContainEqual({ type: 'notify_departments', kind: 'instruction', actor: leader, text: '请抓紧办理', ref: 'n1' });
    expect(validateItemAction(s, { type: 'instruct', actor: deptActor('d1'), at, id: 'n2', text: 'x' }, at)).toMatchObject({ code: 'forbidden' });
    expect(validateItemAction(s, { type: 'instruct', actor: leader, at, id: 'n3', text: 'x'.repeat(4001) }, at)).toMatchObject({ field: 'text' });
  });

  it('disclosure: only a change, by a supervisor', () => {
    const s = launched();
    const { state } = step(s, { type: 'set_public', actor: supervisor, at, public: true, reason: '依申请公开' });
    expect(state.item.public).toBe(true);
    expect(validateItemAction(state, { type: 'set_public', actor: supervisor, at, public: true }, at)).toMatchObject({ code: 'wrong_state' });
  });
});

describe('archive', () => {
  it('a completed item becomes archived, releases its tasks, and is due the archive period after it finished', () => {
    const s: ItemState = { ...launched(), status: 'completed', completedAt: T0 + DAY_MS };
    expect(archiveDueAt(s, 30 * DAY_MS, T0 + 2 * DAY_MS)).toBe(T0 + 31 * DAY_MS);
    const { state, effects } = step(s, { type: 'archive', actor: system, at: T0 + 31 * DAY_MS });
    expect(state).toMatchObject({ status: 'archived', archivedAt: T0 + 31 * DAY_MS });
    expect(effects.filter((e) => e.type === 'tell_task').map((e) => e.type === 'tell_task' && e.message)).toEqual([{ type: 'release' }, { type: 'release' }]);
  });
});
