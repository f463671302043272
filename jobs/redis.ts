import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** BullMQ needs maxRetriesPerRequest: null so blocking commands wait out a Redis restart. */
export function connectRedis(url: string, options: { lazy?: boolean } = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: options.lazy ?? false });
}

/**
 * Ends a client shared with BullMQ queues, before the queues are closed: a queue whose connection
 * never became ready (Redis down) still waits on the client, and ending the client rejects that
 * wait. Rejected while the queue listens, it is the queue's 'error' event (jobs/queues.ts listens);
 * rejected after the queue closed and dropped its listeners, it was an unhandled rejection.
 */
export async function endSharedRedis(redis: Redis): Promise<void> {
  const ended = redis.status === 'end' ? Promise.resolve() : new Promise<void>((resolve) => redis.once('end', () => resolve()));
  redis.disconnect();
  // A client between two reconnection attempts has no socket to close and may never say 'end'.
  await Promise.race([ended, sleep(500)]);
  // Let the rejections it caused run their course (BullMQ's handlers are a few promise hops away).
  await new Promise((resolve) => setImmediate(resolve));
}
