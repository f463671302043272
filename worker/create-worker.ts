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
    // A workflow task offered on a dead worker's sticky queue waits this long before Temporal hands
    // it to the shared queue (default 10 s): after a SIGKILL, every timer of a workflow that worker
    // had cached fires that much late. Too short hurts a live but busy worker: its task moves to the
    // shared queue and is replayed from scratch, which under load (500 items' timers during a Postgres
    // stop) cascaded into workflow-task timeouts. 5 s: a dead worker costs 5 s once, and a busy one keeps its tasks more often.
    stickyQueueScheduleToStartTimeout: '5s',
    activities: createActivities(options.deps),
  });
  return { worker, connection };
}
