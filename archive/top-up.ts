// The item workflow archives its histories from an activity, so the archived copy of its own last run
// stops a few bookkeeping events short of the end (the activity's completion, the workflow's close).
// The archive activity therefore also queues a top-up: once the workflow has closed, this job archives
// the item again, and `storeHistories` keeps the longer copy of each run.
import { Worker, type Job, type Queue } from 'bullmq';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Executor } from '../db/client';
import { queueNames } from '../jobs/queues';
import { connectRedis } from '../jobs/redis';
import { itemWorkflowId } from '../workflows/ids';
import { archiveItem, type ArchiveResult } from './store';

export interface ArchiveTopUpJob {
  itemId: string;
}

/** The item workflow closes right after its archive activity; the first attempt comes this much later. */
const FIRST_ATTEMPT_DELAY_MS = 30_000;

/** One job per item (BullMQ ids may not contain ':'). */
export const archiveTopUpJobId = (itemId: string) => `top-up.${itemId}`;

/** Queues one top-up per item (the job id dedupes a retried activity). */
export async function queueArchiveTopUp(queue: Queue, itemId: string, delayMs = FIRST_ATTEMPT_DELAY_MS): Promise<void> {
  await queue.add('top-up', { itemId } satisfies ArchiveTopUpJob, {
    jobId: archiveTopUpJobId(itemId),
    delay: delayMs,
    // Still running (a slow close, a worker outage) → try again: 30 s, 1 min, 2 min … about 17 h in all.
    attempts: 12,
    backoff: { type: 'exponential', delay: 30_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  });
}

export class ItemStillRunningError extends Error {
  override name = 'ItemStillRunningError';
}

/** One top-up: archives the item again once its workflow has closed. */
export async function topUpArchive(client: Client, db: Executor, { itemId }: ArchiveTopUpJob): Promise<ArchiveResult> {
  const { status } = await client.workflow.getHandle(itemWorkflowId(itemId)).describe();
  if (status.name === 'RUNNING') throw new ItemStillRunningError(`item ${itemId} has not closed yet`);
  return archiveItem(client, db, itemId);
}

/** Runs the `archive-top-ups` queue's BullMQ worker (started by worker/main.ts). */
export function startArchiveTopUps(deps: { config: Config; db: Executor; client: Client; log?: (message: string, details?: Record<string, unknown>) => void }) {
  const connection = connectRedis(deps.config.REDIS_URL);
  const worker = new Worker(queueNames.archiveTopUps, (job: Job<ArchiveTopUpJob>) => topUpArchive(deps.client, deps.db, job.data), {
    connection,
    prefix: deps.config.QUEUE_PREFIX,
    // Each fetches whole histories from Temporal: a couple at a time is plenty.
    concurrency: 2,
  });
  worker.on('failed', (job, error) => deps.log?.('archive top-up failed', { jobId: job?.id, attempts: job?.attemptsMade, error: error.message }));
  worker.on('error', (error) => deps.log?.('archive top-up worker error', { error: error.message }));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
