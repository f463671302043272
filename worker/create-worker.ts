import { readFile } from 'node:fs/promises';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createActivities, type ActivityDeps } from '../activities';
import { workflowsPath } from '../workflows/path';

/**
 * What one worker process needs to start Workers: a `create` that makes a Worker of every workflow of
 * workflows/ and the activities bound to their deps, on a connection of its own (Temporal's core
 * allows one Worker per task queue on a connection, and a Worker started after an outage
 * (worker/rejoin.ts) must start beside the old one while that drains). The workflow bundle is read
 * (WORKFLOW_BUNDLE_PATH) or built once, so a later Worker starts in moments.
 */
export async function prepareSupervisionWorkers(options: {
  config: Config;
  deps: ActivityDeps;
  taskQueue?: string;
}) {
  const { config } = options;
  const connectionOptions = await temporalConnectionOptions(config);
  const code = config.WORKFLOW_BUNDLE_PATH ? await readFile(config.WORKFLOW_BUNDLE_PATH, 'utf8') : (await bundleWorkflowCode({ workflowsPath })).code;
  const activities = createActivities(options.deps);
  const create = async () => {
    const connection = await NativeConnection.connect(connectionOptions);
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: options.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
      workflowBundle: { code },
      maxCachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
      // A workflow task offered on a dead worker's sticky queue waits this long before Temporal hands
      // it to the shared queue (default 10 s): after a SIGKILL, every timer of a workflow that worker
      // had cached fires that much late. Too short hurts a live but busy worker: its task moves to the
      // shared queue and is replayed from scratch, which under load (500 items' timers during a Postgres
      // stop) cascaded into workflow-task timeouts. 5 s: a dead worker costs 5 s once, and a busy one keeps its tasks more often.
      stickyQueueScheduleToStartTimeout: '5s',
      activities,
    }).catch(async (error: unknown) => {
      await connection.close();
      throw error;
    });
    return { worker, connection };
  };
  return create;
}

/** One Worker of every workflow of workflows/ and the activities bound to their deps. */
export async function createSupervisionWorker(options: Parameters<typeof prepareSupervisionWorkers>[0]) {
  return (await prepareSupervisionWorkers(options))();
}
