import type { Queues } from '../queues';
import { notificationRequestSchema, type NotificationRequest } from './request';

/** Completed/failed notification jobs are kept this long so a late retry with the same key is still a no-op. */
const keepFor = { age: 14 * 24 * 3600 };

export interface EnqueueResult {
  jobId: string;
}

/**
 * Hands one notification request to the `notifications` queue. The job id is the request's dedupe key,
 * so an activity retried after a timeout never enqueues the event twice.
 *
 * Throws when Redis is disconnected or does not answer within `timeoutMs`: the calling Temporal
 * activity fails and is retried until Redis is back (the workflow neither blocks nor loses the notification).
 */
export async function enqueueNotification(
  queues: Pick<Queues, 'notifications'>,
  request: NotificationRequest,
  options: { timeoutMs?: number } = {},
): Promise<EnqueueResult> {
  const data = notificationRequestSchema.parse(request);
  // Below the notify activity's start-to-close timeout, so an outage fails the attempt with this message.
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not accept the notification within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // Fail at once while the connection is down (instead of queueing the command until Redis is back):
    // the workflow's notify then waits out the outage on a durable timer, not holding its workflow task.
    const client = await Promise.race([queues.notifications.client, timeout]);
    if (client.status !== 'ready') throw new Error(`Redis is not connected (${client.status}); the notification waits until it is`);
    const job = await Promise.race([
      queues.notifications.add(data.event, data, {
        jobId: data.dedupeKey,
        attempts: 8,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: keepFor,
        removeOnFail: keepFor,
      }),
      timeout,
    ]);
    return { jobId: job.id ?? data.dedupeKey };
  } finally {
    clearTimeout(timer);
  }
}
