import { Client, Connection } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { connectDatabase, type DatabaseHandle } from '../db/client';
import { createQueues, type Queues } from '../jobs/queues';
import { connectRedis } from '../jobs/redis';

/** Everything the API process talks to. Built once at start, closed on shutdown. */
export interface ApiDeps {
  config: Config;
  database: DatabaseHandle;
  temporal: Client;
  temporalConnection: Connection;
  redis: Redis;
  queues: Queues;
  close(): Promise<void>;
}

export async function createApiDeps(config: Config): Promise<ApiDeps> {
  const database = connectDatabase(config.DATABASE_URL);
  // Lazy: the API starts (and /api/health can say 503) even while Temporal is still coming up.
  const temporalConnection = Connection.lazy(await temporalConnectionOptions(config));
  const temporal = new Client({ connection: temporalConnection, namespace: config.TEMPORAL_NAMESPACE });
  const redis = connectRedis(config.REDIS_URL);
  redis.on('error', () => {}); // reported by /api/health instead of crashing the process
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  return {
    config,
    database,
    temporal,
    temporalConnection,
    redis,
    queues,
    async close() {
      await Promise.allSettled([queues.close(), database.close(), temporalConnection.close()]);
      redis.disconnect();
    },
  };
}
