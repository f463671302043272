// The activities a workflow's outbox pump calls (projection, notification, telling the item), decided in one place.
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { OutboxActivities } from './outbox-contract';

// Projection and notification only ever wait out an outage: infinite retries with capped backoff.
// The cap decides how soon after an outage the read model catches up (was 1 minute: after a 30 s
// Postgres stop, a change made during it reached the read model up to ~30 s after recovery). A
// retry that fails costs about six history events, so an hour-long outage adds ~2,000 to each
// workflow with a change waiting. A backoff already recorded replays as recorded (its marker says).
const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' } as const;

// Local activities run on this worker inside the workflow task that queued them: a light change costs
// one workflow task instead of an activity task and another workflow task per activity, which is what
// decides how late lights land when many fall due together. While an attempt runs, the workflow task
// stays open and Updates wait; so every retry (Redis or Postgres down) waits on a durable timer with
// the workflow task closed, and the activities fail fast when their server is unreachable.
const local = proxyLocalActivities<OutboxActivities>({ startToCloseTimeout: '10 seconds', retry, localRetryThreshold: '1 second' });

// A notification cannot be recalled once sent. Run inside the workflow task that decided it, it went out
// even when that task was lost (a worker killed, Temporal restarted before taking the completion), and
// the task's re-run may decide otherwise ("red" where the lost run said "yellow"): a notification that
// history never records. Scheduled by the completed workflow task, it only ever follows what history
// says; it costs an activity task and one more workflow task per batch, not the lights' latency.
const afterCommit = proxyActivities<Pick<OutboxActivities, 'notify'>>({ startToCloseTimeout: '10 seconds', retry });

/** Patch: notifications as activities scheduled by the completed workflow task (before: local activities). */
export const NOTIFY_AFTER_COMMIT = 'notify-after-commit';

/**
 * The item is told of a task's change by the worker's client (activities/tell-item.ts), which leaves
 * the task's history a marker instead of a workflow task of its own for a "signaled" event.
 */
export const { tellItem } = local;

export function outboxActivities(): Pick<OutboxActivities, 'projectTask' | 'projectItem' | 'notify'> {
  return { projectTask: local.projectTask, projectItem: local.projectItem, notify: patched(NOTIFY_AFTER_COMMIT) ? afterCommit.notify : local.notify };
}
