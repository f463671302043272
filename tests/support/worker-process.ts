/**
 * A worker in a process of its own, for tests that kill it (SIGKILL) and start it again.
 * Env: the usual config variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
 * DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SESSION_SECRET) plus WORKFLOW_BUNDLE_PATH (the test run's
 * bundle; without it the workflows are bundled from source). Prints "worker ready" once polling.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfigOrExit } from '../../config/env';
import { connectDatabase } from '../../db/client';
import { createQueues } from '../../jobs/queues';
import { connectRedis } from '../../jobs/redis';
import { workflowsPath } from '../../workflows/path';

const config = loadConfigOrExit();
const database = connectDatabase(config.DATABASE_URL, { max: 4 });
const redis = connectRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath }),
  maxCachedWorkflows: config.WORKER_CACHED_WORKFLOWS,
  activities: createActivities({ config, db: database.db, queues }),
});
const running = worker.run();
console.log('worker ready');
await running;
await Promise.all([queues.close(), database.close(), connection.close()]);
redis.disconnect();
