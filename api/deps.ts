import { Client, Connection } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { connectDatabase, type DatabaseHandle } from '../db/client';
import { createDossierRenderPool, type DossierRenderer } from '../jobs/exports/dossier-render-pool';
import { createQueues, type Queues } from '../jobs/queues';
import { connectRedis, endSharedRedis } from '../jobs/redis';
import { createAttachmentStore, type AttachmentStore } from './services/attachments/store';

/** Everything the API process talks to. Built once at start, closed on shutdown. */
export interface ApiDeps {
  config: Config;
  database: DatabaseHandle;
  temporal: Client;
  temporalConnection: Connection;
  /** For /api/health only: no retries, so a probe of an unreachable server leaves no retry timers behind. */
  temporalProbe: Connection;
  redis: Redis;
  queues: Queues;
  /** Renders dossier PDFs on worker threads, off the event loop (threads start on first use). */
  dossierRenderer: DossierRenderer;
  /** Attachment bytes: files under DATA_DIR, or S3-compatible storage when S3_URL is set. */
  attachmentStore: AttachmentStore;
  close(): Promise<void>;
}

export async function createApiDeps(config: Config): Promise<ApiDeps> {
  const database = connectDatabase(config.DATABASE_URL);
  // Lazy: the API starts (and /api/health can say 503) even while Temporal is still coming up.
  const connectionOptions = await temporalConnectionOptions(config);
  const temporalConnection = Connection.lazy(connectionOptions);
  const temporalProbe = Connection.lazy({ ...connectionOptions, interceptors: [] });
  const temporal = new Client({ connection: temporalConnection, namespace: config.TEMPORAL_NAMESPACE });
  const redis = connectRedis(config.REDIS_URL);
  redis.on('error', () => {}); // reported by /api/health instead of crashing the process
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const dossierRenderer = createDossierRenderPool(config.DOSSIER_RENDER_THREADS);
  return {
    config,
    database,
    temporal,
    temporalConnection,
    temporalProbe,
    redis,
    queues,
    dossierRenderer,
    attachmentStore: createAttachmentStore(config),
    async close() {
      await dossierRenderer.close();
      // Redis first, then the queues that share it (jobs/redis.ts endSharedRedis says why).
      await Promise.allSettled([endSharedRedis(redis), database.close(), temporalConnection.close(), temporalProbe.close()]);
      await queues.close();
    },
  };
}
