import { UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';
import { createNotificationBatches } from './batches';
import type { NotificationDeps } from './deps';
import { deliverOne, sendDigest } from './deliver';
import { fanOut } from './fan-out';
import { deliverJobName, deliverJobSchema, digestJobName, digestJobSchema } from './jobs';
import { notificationRequestSchema } from './request';

/** The one processor of the `notifications` queue: requests fan out; `deliver` and `digest` jobs send. */
export function createNotificationProcessor(dependencies: NotificationDeps) {
  // One set of batches for all of this worker's concurrent jobs: that is what lets their statements go out together.
  const deps = { ...dependencies, batches: dependencies.batches ?? createNotificationBatches(dependencies.db) };
  return async (job: Job) => {
    switch (job.name) {
      case deliverJobName: {
        const { deliveryId } = payload(deliverJobSchema, job);
        return { outcome: await deliverOne(deps, deliveryId, isFinalAttempt(job)) };
      }
      case digestJobName: {
        // The job id names the digest: its retries find the held deliveries it took.
        return { sent: await sendDigest(deps, payload(digestJobSchema, job), job.id!, isFinalAttempt(job)) };
      }
      default:
        return fanOut(deps, payload(notificationRequestSchema, job));
    }
  };
}

/** A payload that does not parse will never parse: fail the job at once, visibly, without retries. */
function payload<S extends z.ZodType>(schema: S, job: Job): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.message}`);
  return parsed.data;
}

function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
