import { Worker } from 'bullmq';
import type { Config } from '../../config/env';
import type { Database } from '../../db/client';
import type { Queues } from '../queues';
import { queueNames } from '../queues';
import { connectRedis } from '../redis';
import { createAiProcessor, RETRAIN_JOB } from './processor';
import { RISK_TRAIN_JOB } from './risk-train';

/** Nightly at 03:00 Beijing time, when nobody dispatches. */
export const RETRAIN_SCHEDULE = { id: 'ai-retrain-nightly', pattern: '0 3 * * *', tz: 'Asia/Shanghai' } as const;
/** The red-risk model retrains after it, at 03:30. */
export const RISK_SCHEDULE = { id: 'risk-train-nightly', pattern: '30 3 * * *', tz: 'Asia/Shanghai' } as const;

/** Runs the `ai` queue's worker (one training at a time) and keeps the nightly retraining scheduled. */
export async function startAiProcessors(deps: { config: Config; db: Database; queues: Pick<Queues, 'ai'>; log?: (message: string, details?: Record<string, unknown>) => void }) {
  const connection = connectRedis(deps.config.REDIS_URL);
  const log = deps.log ?? (() => {});
  const worker = new Worker(queueNames.ai, createAiProcessor({ db: deps.db }), {
    connection,
    prefix: deps.config.QUEUE_PREFIX,
    concurrency: 1,
    lockDuration: 120_000,
  });
  worker.on('failed', (job, error) => log('ai job failed', { jobId: job?.id, error: error.message }));
  worker.on('error', (error) => log('ai worker error', { error: error.message }));
  await deps.queues.ai.upsertJobScheduler(RETRAIN_SCHEDULE.id, { pattern: RETRAIN_SCHEDULE.pattern, tz: RETRAIN_SCHEDULE.tz }, { name: RETRAIN_JOB, data: {} });
  await deps.queues.ai.upsertJobScheduler(RISK_SCHEDULE.id, { pattern: RISK_SCHEDULE.pattern, tz: RISK_SCHEDULE.tz }, { name: RISK_TRAIN_JOB, data: {} });
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
