import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../../config/env';
import { createActivities, type ActivityDeps } from '../../activities';
import { testServices } from './services';

/** A client on the tests' Temporal server. */
export async function testClient(config: Config) {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return { client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), connection };
}

/**
 * A worker on the test's own task queue, using the workflow bundle the global setup built.
 * Call `running.shutdown()` (or use `runUntil`) when done.
 */
export async function startTestWorker(config: Config, deps: ActivityDeps, options: { workflowBundle?: { code: string } } = {}) {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: options.workflowBundle ?? { codePath: testServices().workflowBundlePath },
    activities: createActivities(deps),
  });
  const run = worker.run();
  return {
    worker,
    async shutdown() {
      worker.shutdown();
      await run;
      await connection.close();
    },
  };
}
