import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createActivities, type ActivityDeps } from '../activities';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Workflows kept in the worker's memory between tasks (0.3–0.55 MB each, measured by bench/engine.ts).
 * The SDK's default follows the heap limit (~2,300 on a 4 GiB heap: ~1.4 GiB RSS); this keeps a worker
 * with 10,000 open tasks and their 2,000 items under 1 GiB. An evicted workflow is replayed from its
 * history when its next timer or Update arrives.
 */
export const MAX_CACHED_WORKFLOWS = 1000;

/** One worker process: every workflow of workflows/ and the activities bound to their deps. */
export async function createSupervisionWorker(options: {
  config: Config;
  deps: ActivityDeps;
  connection?: NativeConnection;
  taskQueue?: string;
}) {
  const connection = options.connection ?? (await NativeConnection.connect(await temporalConnectionOptions(options.config)));
  const worker = await Worker.create({
    connection,
    namespace: options.config.TEMPORAL_NAMESPACE,
    taskQueue: options.taskQueue ?? options.config.TEMPORAL_TASK_QUEUE,
    workflowsPath,
    maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
    activities: createActivities(options.deps),
  });
  return { worker, connection };
}
