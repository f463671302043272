/** `npm run worker`: one worker process. Run as many as the load needs, on any machine. */
import { Client, Connection } from '@temporalio/client';
import { startArchiveTopUps } from '../archive/top-up';
import { loadConfigOrExit } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { connectDatabase } from '../db/client';
import { scheduleRollupUpkeep } from '../db/rollup-upkeep';
import { createQueues } from '../jobs/queues';
import { startAiProcessors } from '../jobs/ai/run';
import { startExportProcessors } from '../jobs/exports/run';
import { startNotificationProcessors } from '../jobs/run-processors';
import { connectRedis, endSharedRedis } from '../jobs/redis';
import { createSupervisionWorker } from './create-worker';

const config = loadConfigOrExit();
const database = connectDatabase(config.DATABASE_URL);
const redis = connectRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);

// BullMQ side of the process: delivers the notifications that activities enqueue.
const notifications = startNotificationProcessors({
  config,
  db: database.db,
  queues,
  log: (message, details) => console.error(`worker: ${message}`, details ?? ''),
});
// …and builds the PDF volumes that POST /api/exports queues.
const exportsProcessor = startExportProcessors({ config, db: database.db, log: (message, details) => console.error(`worker: ${message}`, details ?? '') });
// …and retrains the department-suggestion model: on request (POST /api/ai/models) and nightly.
const aiProcessor = await startAiProcessors({ config, db: database.db, queues, log: (message, details) => console.error(`worker: ${message}`, details ?? '') });

// …and tops up closed items' history archives once their workflows have ended.
const clientConnection = await Connection.connect(await temporalConnectionOptions(config));
const archiveTopUps = startArchiveTopUps({
  config,
  db: database.db,
  client: new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE }),
  log: (message, details) => console.error(`worker: ${message}`, details ?? ''),
});

// …and keeps the count roll-ups' small tables folded and compact (one pass at a time across workers).
const rollupUpkeep =
  config.ROLLUP_UPKEEP_INTERVAL_SECONDS > 0
    ? scheduleRollupUpkeep(database, config.ROLLUP_UPKEEP_INTERVAL_SECONDS * 1000, (message, details) => console.error(`worker: ${message}`, details ?? ''))
    : null;

const { worker, close: closeWorker } = await createSupervisionWorker({ config, deps: { config, db: database.db, queues } });
console.log(`worker: polling task queue "${config.TEMPORAL_TASK_QUEUE}" in namespace "${config.TEMPORAL_NAMESPACE}" at ${config.TEMPORAL_ADDRESS}`);
// Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks finish.
await worker.run();
await notifications.close();
await exportsProcessor.close();
await aiProcessor.close();
await archiveTopUps.close();
await rollupUpkeep?.close();
// Redis first, then the queues that share it (jobs/redis.ts endSharedRedis says why).
await Promise.all([endSharedRedis(redis), database.close(), closeWorker(), clientConnection.close()]);
await queues.close();
