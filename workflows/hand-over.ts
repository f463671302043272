// When a workflow hands over to a fresh run (continue-as-new), for the task and the item alike.
import { workflowInfo } from '@temporalio/workflow';

/**
 * Patch: the history's length is read only where a message is applied or a wake-up handled, never in
 * a condition. A condition is checked again on every activation, a query's included, which a replay
 * does not repeat: a live worker could see the history too long before the timer that fired in the
 * same workflow task and hand over without the wake-up, where the replay took the wake-up
 * (tests/replay/known-issues/). Runs recorded before it read the length in their conditions.
 */
export const HAND_OVER_AT_MESSAGES = 'hand-over-at-messages';

/**
 * Patch: a task's run first applies whatever fell due while no timer was armed (a light, an urge
 * escalation), before it sets its handlers (so before the signals and Updates of its first workflow
 * task, as the audit fold applies it). A run handing over waits for its outbox without a timer, and
 * the fresh run's next wake-up lies ahead of its clock: a light that fell due in that wait was never
 * applied (a task stayed yellow past its due date; the fault suite's full profile found 27). Only at
 * a run's start: within a run every event re-evaluates the light and the armed timer does the rest,
 * and the audit fold mirrors exactly this one instant (a run's first workflow task). Runs recorded
 * before it apply only what their timers wake them for.
 */
export const CATCH_UP_BEFORE_SLEEP = 'catch-up-before-sleep';

/** Temporal suggests continue-as-new, or the history passed the run's own limit (tests set one). */
export function historyTooLong(limit: number | undefined): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || (limit !== undefined && info.historyLength > limit);
}
