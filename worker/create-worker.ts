import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createActivities, type ActivityDeps } from '../activities';
import { workflowsPath } from '../workflows/path';
import { splitAddress, startTemporalRelay, type TemporalRelay } from './temporal-relay';

/**
 * The worker's connection to Temporal: through the relay that holds it through an outage
 * (WORKER_TEMPORAL_RELAY, worker/temporal-relay.ts), or direct. Through the relay, TLS still checks
 * the server's own name.
 */
async function connectWorker(config: Config, log: (message: string) => void): Promise<{ connection: NativeConnection; relay: TemporalRelay | null }> {
  const options = await temporalConnectionOptions(config);
  if (!config.WORKER_TEMPORAL_RELAY) return { connection: await NativeConnection.connect(options), relay: null };
  const relay = await startTemporalRelay({ target: config.TEMPORAL_ADDRESS, log });
  const serverName = splitAddress(config.TEMPORAL_ADDRESS).host;
  const tls = options.tls === true ? { serverNameOverride: serverName } : options.tls ? { serverNameOverride: serverName, ...options.tls } : options.tls;
  try {
    return { connection: await NativeConnection.connect({ ...options, address: relay.address, tls }), relay };
  } catch (error) {
    await relay.close();
    throw error;
  }
}

/** One worker process: every workflow of workflows/ and the activities bound to their deps. */
export async function createSupervisionWorker(options: {
  config: Config;
  deps: ActivityDeps;
  taskQueue?: string;
}) {
  const { connection, relay } = await connectWorker(options.config, (message) => console.error(`worker: ${message}`));
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
  /** Closes the connection and the relay once the worker has stopped. */
  const close = async () => {
    await connection.close();
    await relay?.close();
  };
  return { worker, close };
}
