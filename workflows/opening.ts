// The instant a task opens: its state's startedAt, its "assigned" entry and its first lights.
import { patched, workflowInfo } from '@temporalio/workflow';
import type { Instant } from '../domain';

/**
 * Patch: a task opens at its workflow execution's start (the WorkflowExecutionStarted event's time),
 * no longer at the clock of its first workflow task. That clock is not always the one history keeps:
 * an Update that reaches a child workflow before Temporal has scheduled its first workflow task is
 * delivered in a speculative workflow task, and when that task is turned into a normal one the
 * server writes its Scheduled and Started events at the turning, later than the clock the worker ran
 * the task with (the fault suite saw 0.37 s). The live task then held a startedAt that a replay or the
 * audit fold of its history cannot give. The start event's time is the same live and in history.
 * Runs recorded before it open at their first workflow task's clock.
 */
export const OPEN_AT_EXECUTION_START = 'open-at-execution-start';

/** When a new task (not one carried over from a previous run) opens. */
export function openingInstant(): Instant {
  return patched(OPEN_AT_EXECUTION_START) ? workflowInfo().startTime.getTime() : Date.now();
}
