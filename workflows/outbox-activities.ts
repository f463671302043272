// The activities a workflow's outbox pump calls (projection, notification, telling the item), decided in one place.
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { OutboxActivities } from './outbox-contract';

// Projection and notification only ever wait out an outage: infinite retries with capped backoff.
const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

// Short: a worker killed mid-activity delays the read model by at most this much.
const remote = proxyActivities<OutboxActivities>({ startToCloseTimeout: '10 seconds', retry });

// Local activities run on this worker inside the workflow task that queued them: a light change costs
// one workflow task instead of an activity task and another workflow task per activity, which is what
// decides how late lights land when many fall due together. While an attempt runs, the workflow task
// stays open and Updates wait; so every retry (Redis or Postgres down) waits on a durable timer with
// the workflow task closed, and the activities fail fast when their server is unreachable.
const local = proxyLocalActivities<OutboxActivities>({ startToCloseTimeout: '10 seconds', retry, localRetryThreshold: '1 second' });

/** Patch: the outbox runs as local activities (histories recorded before it scheduled activity tasks). */
export const OUTBOX_AS_LOCAL_ACTIVITIES = 'outbox-as-local-activities';

/** Patch: a task tells its item through a local activity, not a signal of its own (histories before signalled). */
export const TELL_ITEM_BY_LOCAL_ACTIVITY = 'tell-item-by-local-activity';

/** The item is told of a task's change by the worker's client, which leaves the task's history a marker. */
export const { tellItem } = local;

/** Called where the pump is about to send: the same point in history on replay. */
export function outboxActivities(): Pick<OutboxActivities, 'projectTask' | 'projectItem' | 'notify'> {
  return patched(OUTBOX_AS_LOCAL_ACTIVITIES) ? local : remote;
}
