// The activities a workflow's outbox pump calls (projection, notification, telling the item), decided in one place.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { OutboxActivities } from './outbox-contract';

// Projection and notification only ever wait out an outage: infinite retries with capped backoff.
const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

// Local activities run on this worker inside the workflow task that queued them: a light change costs
// one workflow task instead of an activity task and another workflow task per activity, which is what
// decides how late lights land when many fall due together. While an attempt runs, the workflow task
// stays open and Updates wait; so every retry (Redis or Postgres down) waits on a durable timer with
// the workflow task closed, and the activities fail fast when their server is unreachable.
const local = proxyLocalActivities<OutboxActivities>({ startToCloseTimeout: '10 seconds', retry, localRetryThreshold: '1 second' });

/**
 * The item is told of a task's change by the worker's client (activities/tell-item.ts), which leaves
 * the task's history a marker instead of a workflow task of its own for a "signaled" event.
 */
export const { tellItem } = local;

export function outboxActivities(): Pick<OutboxActivities, 'projectTask' | 'projectItem' | 'notify'> {
  return local;
}
