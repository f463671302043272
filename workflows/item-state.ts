// The item workflow's pure state constructors, shared with audit replay (audit/fold.ts) so the two
// can never build a launched item differently.
import { initialTaskState, rollUpItem, taskToWire } from '../domain';
import type { Instant, TaskWire } from '../domain';
import type { ItemInput, ItemState } from './item-definitions';
import type { TaskInput } from './task-definitions';

/** The item's copy of a task until the task workflow reports (version −1: any report replaces it). */
export function placeholderTask(spec: TaskInput['task'], now: Instant): TaskWire {
  return { ...taskToWire(initialTaskState(spec, now)), version: -1 };
}

/** The item as it stands the moment it is launched, and the task specs its children start from. */
export function launchedItemState(input: ItemInput, now: Instant): { state: ItemState; specs: TaskInput['task'][] } {
  const specs = input.tasks.map((t) => ({ ...t, itemId: input.item.id }));
  const state: ItemState = {
    item: input.item,
    status: 'launched',
    light: 'green',
    redEver: false,
    launchedAt: now,
    completedAt: null,
    cancelledAt: null,
    cancelReason: null,
    archivedAt: null,
    tasks: specs.map((s) => placeholderTask(s, now)),
    version: 0,
  };
  return { state: { ...state, ...rollUpItem(state.tasks, 'launched') }, specs };
}
