/**
 * A worker in a process of its own, for tests that kill it (SIGKILL) and start it again.
 * Env: the usual config variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
 * DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SESSION_SECRET) plus WORKFLOW_BUNDLE_PATH (the test run's
 * bundle; without it the workflows are bundled from source). Prints "worker ready" once polling.
 * The Worker is the platform's own (worker/create-worker.ts, relay included), without the process's
 * BullMQ side.
 */
import { loadConfigOrExit } from '../../config/env';
import { connectDatabase } from '../../db/client';
import { createQueues } from '../../jobs/queues';
import { connectRedis } from '../../jobs/redis';
import { createSupervisionWorker } from '../../worker/create-worker';

const config = loadConfigOrExit();
const database = connectDatabase(config.DATABASE_URL, { max: 4 });
const redis = connectRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);
const { worker, close } = await createSupervisionWorker({ config, deps: { config, db: database.db, queues } });
const running = worker.run();
console.log('worker ready');
await running;
await Promise.all([queues.close(), database.close(), close()]);
redis.disconnect();
