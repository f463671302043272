import { Queue, type ConnectionOptions } from 'bullmq';

/** Queue names, one per kind of background work. */
export const queueNames = {
  notifications: 'notifications',
  exports: 'exports',
  /** Re-archives a closed item once its workflow has ended (audit/archive-top-up.ts). */
  archiveTopUps: 'archive-top-ups',
  /** Retrains the department-suggestion model (jobs/ai/). */
  ai: 'ai',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export interface Queues {
  notifications: Queue;
  exports: Queue;
  archiveTopUps: Queue;
  ai: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const notifications = new Queue(queueNames.notifications, { connection, prefix });
  const exports = new Queue(queueNames.exports, { connection, prefix });
  const archiveTopUps = new Queue(queueNames.archiveTopUps, { connection, prefix });
  const ai = new Queue(queueNames.ai, { connection, prefix });
  // A queue re-emits its connection's errors; unheard, an 'error' event throws. The connection's
  // trouble is the Redis client's to report (its own 'error' listener, /api/health), not the queue's.
  for (const queue of [notifications, exports, archiveTopUps, ai]) queue.on('error', () => {});
  return {
    notifications,
    exports,
    archiveTopUps,
    ai,
    close: async () => {
      await Promise.all([notifications.close(), exports.close(), archiveTopUps.close(), ai.close()]);
    },
  };
}
