// Outcome of an accepted task, judged on two clocks: originalDueAt never moves, dueAt moves with
// approved extensions. A task is late from its due instant on — the same instant its light turns red.
import type { Instant, Outcome, TaskState } from './types';

export function outcomeOnAccept(
  state: Pick<TaskState, 'originalDueAt' | 'dueAt' | 'postponed'>,
  acceptedAt: Instant,
): Exclude<Outcome, null> {
  if (acceptedAt < state.originalDueAt) return 'on_time';
  if (state.postponed && acceptedAt < state.dueAt) return 'postponed';
  return 'overdue';
}
