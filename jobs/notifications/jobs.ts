import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import type { DeliveryPolicy } from './deps';

/**
 * The jobs on the `notifications` queue besides the requests themselves (whose job name is the event):
 * one `deliver` job per push delivery and one `digest` job per user and hold-until instant.
 */
export const deliverJobName = 'deliver';
export const digestJobName = 'digest';

export const deliverJobSchema = z.object({ deliveryId: z.uuid() });
export const digestJobSchema = z.object({ userId: z.uuid(), until: z.iso.datetime() });

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

export function digestJobOptions(userId: string, until: Date, now: Date, policy: DeliveryPolicy): JobsOptions {
  return {
    jobId: `digest-${userId}-${until.getTime()}`,
    delay: Math.max(0, until.getTime() - now.getTime()),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
}
