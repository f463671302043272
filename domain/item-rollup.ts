// An item's status and light follow from its tasks; closed tasks drop out of the light.
import { isClosedStatus, worseLight } from './lights';
import type { ItemStatus, Light, TaskState, TaskStatus } from './types';

export interface ItemRollUp {
  status: ItemStatus;
  light: Light;
}

const STARTED: readonly TaskStatus[] = ['signed', 'in_progress', 'submitted', 'accepted'];

/**
 * Item light = worst light among OPEN tasks (green when none is open). Status: completed when
 * every task that still counts (not transferred, not cancelled) is accepted; cancelled when every
 * task is cancelled; in_progress once any task was signed; else launched. Archived and cancelled
 * items stay so, and an item never goes back from in_progress to launched (e.g. after a transfer).
 */
export function rollUpItem(tasks: ReadonlyArray<Pick<TaskState, 'status' | 'light'>>, current: ItemStatus = 'launched'): ItemRollUp {
  const light = tasks.filter((t) => !isClosedStatus(t.status)).reduce<Light>((w, t) => worseLight(w, t.light), 'green');
  if (current === 'archived' || current === 'cancelled') return { status: current, light };
  const counting = tasks.filter((t) => t.status !== 'transferred' && t.status !== 'cancelled');
  if (tasks.length > 0 && tasks.every((t) => t.status === 'cancelled')) return { status: 'cancelled', light };
  if (counting.length > 0 && counting.every((t) => t.status === 'accepted')) return { status: 'completed', light };
  if (current === 'in_progress' || current === 'completed' || tasks.some((t) => STARTED.includes(t.status))) {
    return { status: 'in_progress', light };
  }
  return { status: 'launched', light };
}

/** What the item rolls up from one task: a task tells its item only when this changes (or to open a transfer). */
export function rollUpKey(task: Pick<TaskState, 'status' | 'light' | 'redEver'>): string {
  return `${task.status}|${task.light}|${task.redEver}`;
}
