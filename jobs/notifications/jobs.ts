import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import type { DeliveryPolicy } from './deps';

/**
 * The jobs on the `notifications` queue besides the requests themselves (whose job name is the event):
 * one `deliver` job per push delivery and one `digest` job per held delivery (e-mail or webhook),
 * due when its hold ends. The first digest job of a target to run takes every held delivery of that
 * target then due and sends them as one message; the others find theirs taken and send nothing.
 * A job per held delivery, not per target and instant, so no held delivery is left without a job
 * that runs after it was written.
 */
export const deliverJobName = 'deliver';
export const digestJobName = 'digest';

export const deliverJobSchema = z.object({ deliveryId: z.uuid() });
export const digestJobSchema = z.union([
  z.object({ deliveryId: z.uuid() }),
  // Jobs enqueued before digests were per held delivery: one per user and hold-until instant (e-mail).
  z.object({ userId: z.uuid(), until: z.iso.datetime() }),
]);
export type DigestJob = z.infer<typeof digestJobSchema>;

export function deliverJobOptions(deliveryId: string, policy: DeliveryPolicy): JobsOptions {
  return {
    jobId: `deliver-${deliveryId}`,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    // The delivery ledger in Postgres is the lasting record; failed jobs stay for Bull Board.
    removeOnComplete: { age: 3600, count: 50_000 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}

/**
 * The `deliver` job of a webhook whose first try was already made inline by the fan-out: the tries
 * left, the first after `firstDelayMs`, then doubling from twice the policy's backoff — so the waits
 * between tries run backoffMs, 2×, 4×… as for a delivery that had only jobs.
 */
export function deliverRetryJobOptions(deliveryId: string, policy: DeliveryPolicy, triesLeft: number, firstDelayMs: number): JobsOptions {
  return {
    ...deliverJobOptions(deliveryId, policy),
    attempts: Math.max(1, triesLeft),
    delay: firstDelayMs,
    backoff: { type: 'exponential', delay: policy.backoffMs * 2 },
  };
}

export function digestJobOptions(deliveryId: string, until: Date, now: Date, policy: DeliveryPolicy): JobsOptions {
  return {
    jobId: `digest-${deliveryId}`,
    delay: Math.max(0, until.getTime() - now.getTime()),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}
