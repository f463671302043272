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
 * task, as the audit fold applies it). A run handing over waited for its outbox without a timer (until
 * WAKE_WHILE_HANDING_OVER), and the fresh run's next wake-up lies ahead of its clock: a light that fell
 * due in that wait was never applied (a task stayed yellow past its due date; the fault suite's full
 * profile found 27). Now it covers the instant between two runs. Only at
 * a run's start: within a run every event re-evaluates the light and the armed timer does the rest,
 * and the audit fold mirrors exactly this one instant (a run's first workflow task). Runs recorded
 * before it apply only what their timers wake them for.
 */
export const CATCH_UP_BEFORE_SLEEP = 'catch-up-before-sleep';

/**
 * Patch: a task's run waiting for its outbox to drain before it hands over keeps its wake-up timer
 * armed, so a light that falls due in that wait turns on time, in that run. The wait lasts as long
 * as the outbox's activities cannot finish: a Postgres or Redis outage, a killed worker. The fault
 * suite found reds recorded the outage's length late, turned only by the fresh run's catch-up
 * (CATCH_UP_BEFORE_SLEEP, which stays for the instant between the two runs). Runs recorded before it
 * wait without a timer.
 */
export const WAKE_WHILE_HANDING_OVER = 'wake-while-handing-over';

/** Temporal suggests continue-as-new, or the history passed the run's own limit (tests set one). */
export function historyTooLong(limit: number | undefined): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || (limit !== undefined && info.historyLength > limit);
}
