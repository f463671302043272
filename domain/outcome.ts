// Outcome of an accepted task, judged on two clocks: originalDueAt never moves, dueAt moves with
// approved extensions. A task is late from its due instant on — the same instant its light turns red.
// What counts is when the department completed (its accepted completion report's submittedAt), not
// when the supervisor got round to accepting it: a late review never makes a department overdue.
import type { Instant, Outcome, TaskState } from './types';

export function outcomeOnAccept(
  state: Pick<TaskState, 'originalDueAt' | 'dueAt' | 'postponed' | 'submittedAt'>,
  acceptedAt: Instant,
): Exclude<Outcome, null> {
  const completedAt = state.submittedAt ?? acceptedAt;
  if (completedAt < state.originalDueAt) return 'on_time';
  if (state.postponed && completedAt < state.dueAt) return 'postponed';
  return 'overdue';
}
