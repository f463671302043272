// Merging duplicates as pure rules: who may, into what (not itself, not a closed or merged item, no
// chains, same family of kinds), and what a merge and its undoing do to the duplicate and its primary.
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../../domain/durations';
import { applyItemEvent, launchItem, validateItemAction, type ItemEvent, type ItemFields, type ItemState } from '../../../domain/item-lifecycle';
import { mergeRefusal, resumedDueAt, type MergeSide } from '../../../domain/item-merge';
import { toInstant } from '../../../domain/wire';
import type { Actor } from '../../../domain/types';
import { deepFreeze, deptActor, leader, newTask, policy, supervisor, T0 } from './task-fixtures';

const operator: Actor = { userId: 'u-op', name: 'Operator', role: 'operator', departmentId: null };

const side = (overrides: Partial<MergeSide> = {}): MergeSide => ({
  id: 'dup',
  code: 'DC-2',
  kind: 'routine',
  status: 'in_progress',
  mergedIntoCode: null,
  hasDuplicates: false,
  ...overrides,
});
const primary = (overrides: Partial<MergeSide> = {}) => side({ id: 'pri', code: 'DC-1', ...overrides });

describe('mergeRefusal', () => {
  it('lets a supervisor merge a running item into another running one of the same family', () => {
    expect(mergeRefusal(side(), primary({ kind: 'meeting_resolution' }), supervisor)).toBeNull();
    expect(mergeRefusal(side({ kind: 'appeal' }), primary({ kind: 'appeal' }), operator)).toBeNull();
  });

  it.each([
    ['into itself', side(), side(), supervisor, 'rule_violation', 'primaryId'],
    ['into nothing', side(), null, supervisor, 'rule_violation', 'primaryId'],
    ['into a merged item (no chains)', side(), primary({ mergedIntoCode: 'DC-0' }), supervisor, 'rule_violation', 'primaryId'],
    ['into a closed item', side(), primary({ status: 'completed' }), supervisor, 'rule_violation', 'primaryId'],
    ['an appeal into a supervision item', side({ kind: 'appeal' }), primary(), supervisor, 'rule_violation', 'primaryId'],
    ['a verification into an appeal', side({ kind: 'verification' }), primary({ kind: 'appeal' }), supervisor, 'rule_violation', 'primaryId'],
    ['an item already merged', side({ mergedIntoCode: 'DC-9' }), primary(), supervisor, 'wrong_state', 'id'],
    ['an item that is a primary (no chains)', side({ hasDuplicates: true }), primary(), supervisor, 'wrong_state', 'id'],
    ['a cancelled item', side({ status: 'cancelled' }), primary(), supervisor, 'wrong_state', 'id'],
    ['by an operator, supervision items', side(), primary(), operator, 'forbidden', 'id'],
    ['by a leader', side(), primary(), leader, 'forbidden', 'id'],
    ['by a department', side(), primary(), deptActor(), 'forbidden', 'id'],
  ] as const)('refuses a merge %s', (_name, dup, pri, actor, code, field) => {
    expect(mergeRefusal(dup, pri, actor)).toMatchObject({ code, field, messageZh: expect.any(String) });
  });

  it('names the primary to merge into when asked to merge into a duplicate', () => {
    expect(mergeRefusal(side(), primary({ mergedIntoCode: 'DC-0' }), supervisor)?.message).toContain('merge into DC-0');
  });
});

describe('resumedDueAt', () => {
  it('moves the due date by the time spent merged, never earlier', () => {
    expect(resumedDueAt(T0 + DAY_MS, { mergedAt: T0 }, T0 + 3 * HOUR_MS)).toBe(T0 + DAY_MS + 3 * HOUR_MS);
    expect(resumedDueAt(T0 + DAY_MS, { mergedAt: T0 }, T0 - HOUR_MS)).toBe(T0 + DAY_MS);
  });
});

const fields: ItemFields = {
  id: 'dup',
  code: 'DC-2026-0002',
  kind: 'routine',
  title: '重复事项',
  description: '',
  source: '',
  issuedBy: leader.userId,
  public: false,
  dueAt: T0 + 20 * DAY_MS,
  createdAt: T0,
};
const launched = (): ItemState => deepFreeze(launchItem(fields, [newTask({ id: 't1', itemId: 'dup', departmentId: 'd1' })], supervisor, T0).state);
const merge = (at = T0 + HOUR_MS): Extract<ItemEvent, { type: 'merge' }> => ({ type: 'merge', actor: supervisor, at, primaryId: 'pri', primaryCode: 'DC-2026-0001' });

describe('a merge and an unmerge on the item', () => {
  it('closes the duplicate as merged and cancels its open tasks with the reason', () => {
    const { state, effects } = applyItemEvent(launched(), merge(), T0 + HOUR_MS);
    expect(state).toMatchObject({ status: 'cancelled', cancelReason: 'merged into DC-2026-0001', merged: { primaryId: 'pri', taskIds: ['t1'], statusBefore: 'launched' } });
    expect(effects).toContainEqual({ type: 'tell_task', taskId: 't1', message: { type: 'cancel', actor: supervisor, reason: 'merged into DC-2026-0001' } });
    expect(effects).toContainEqual(expect.objectContaining({ type: 'record', entry: 'item_merged', reason: expect.objectContaining({ zh: '已并入 DC-2026-0001' }) }));
  });

  it('refuses a merge into itself, a second merge, and an unmerge of an item not merged', () => {
    expect(validateItemAction(launched(), { ...merge(), primaryId: 'dup' }, T0)?.field).toBe('primaryId');
    const merged = applyItemEvent(launched(), merge(), T0 + HOUR_MS).state;
    expect(validateItemAction(merged, merge(), T0 + 2 * HOUR_MS)?.code).toBe('wrong_state');
    expect(validateItemAction(launched(), { type: 'unmerge', actor: supervisor, at: T0, reopen: [], policy: policy() }, T0)?.code).toBe('wrong_state');
  });

  it('restores the status before and reopens each cancelled task, its due date moved by the time merged', () => {
    const merged = applyItemEvent(launched(), merge(), T0 + HOUR_MS).state;
    const unmerge: ItemEvent = { type: 'unmerge', actor: supervisor, at: T0 + 5 * HOUR_MS, reopen: [{ fromTaskId: 't1', taskId: 't1b' }], policy: policy() };
    expect(validateItemAction(merged, { ...unmerge, reopen: [] }, T0 + 5 * HOUR_MS)?.field).toBe('reopen');
    const { state, effects } = applyItemEvent(merged, unmerge, T0 + 5 * HOUR_MS);
    expect(state).toMatchObject({ status: 'launched', merged: null, cancelledAt: null });
    const reopened = state.tasks.find((t) => t.id === 't1b')!;
    const before = merged.tasks.find((t) => t.id === 't1')!;
    expect(toInstant(reopened.dueAt) - toInstant(before.dueAt)).toBe(4 * HOUR_MS);
    expect(effects).toContainEqual(expect.objectContaining({ type: 'start_task', spec: expect.objectContaining({ id: 't1b', departmentId: 'd1', role: 'lead' }) }));
  });

  it('keeps the primary’s list of duplicates, and refuses a merge into a merged primary', () => {
    const note = (merged: boolean): ItemEvent => ({ type: 'note_duplicate', actor: supervisor, at: T0, duplicateId: 'x', duplicateCode: 'DC-X', merged });
    const withDuplicate = applyItemEvent({ ...launched(), item: { ...fields, id: 'pri' } }, note(true), T0).state;
    expect(withDuplicate.duplicateIds).toEqual(['x']);
    expect(validateItemAction(withDuplicate, { ...merge(), primaryId: 'other' }, T0)?.code).toBe('wrong_state');
    expect(applyItemEvent(withDuplicate, note(false), T0).state.duplicateIds).toEqual([]);
    const mergedPrimary = applyItemEvent(launched(), merge(), T0).state;
    expect(validateItemAction(mergedPrimary, note(true), T0)?.field).toBe('primaryId');
  });
});
