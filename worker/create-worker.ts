import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createActivities, type ActivityDeps } from '../activities';
import { workflowsPath } from '../workflows/path';


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
    ...(options.config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: options.config.WORKFLOW_BUNDLE_PATH } } : { workflowsPath }),
    maxCachedWorkflows: options.config.WORKER_CACHED_WORKFLOWS,
    activities: createActivities(options.deps),
  });
  return { worker, connection };
}
