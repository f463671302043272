import { Worker } from 'bullmq';
import type { Config } from '../../config/env';
import type { Database } from '../../db/client';
import { queueNames } from '../queues';
import { connectRedis } from '../redis';
import { createExportProcessor, type ExportDeps } from './processor';

export interface ExportProcessorDeps {
  config: Config;
  db: Database;
  /** PDF building is CPU-bound: a couple at a time per process. */
  concurrency?: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
  /** Test seams of the processor (ExportDeps): the volume limit and a hook after each progress report. */
  processor?: Pick<ExportDeps, 'maxItems' | 'onProgress'>;
}

/** Runs the `exports` queue's BullMQ worker on its own Redis connection. */
export function startExportProcessors(deps: ExportProcessorDeps) {
  const connection = connectRedis(deps.config.REDIS_URL);
  const log = deps.log ?? (() => {});
  const worker = new Worker(queueNames.exports, createExportProcessor({ db: deps.db, ...deps.processor }), {
    connection,
    prefix: deps.config.QUEUE_PREFIX,
    concurrency: deps.concurrency ?? 2,
    // A large volume renders for a while; keep the lock alive meanwhile.
    lockDuration: 120_000,
  });
  worker.on('failed', (job, error) => log('export job failed', { jobId: job?.id, name: job?.name, error: error.message }));
  worker.on('error', (error) => log('export worker error', { error: error.message }));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
