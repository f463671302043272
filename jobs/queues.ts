import { Queue, type ConnectionOptions } from 'bullmq';

/** Queue names, one per kind of background work. */
export const queueNames = {
  notifications: 'notifications',
  exports: 'exports',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export interface Queues {
  notifications: Queue;
  exports: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const notifications = new Queue(queueNames.notifications, { connection, prefix });
  const exports = new Queue(queueNames.exports, { connection, prefix });
  return {
    notifications,
    exports,
    close: async () => {
      await Promise.all([notifications.close(), exports.close()]);
    },
  };
}
