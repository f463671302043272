import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../db/client';
import { createQueues } from '../../../jobs/queues';
import { connectRedis } from '../../../jobs/redis';
import { probe } from '../../../workflows';
import { testConfig, uniqueName } from '../../support/services';
import { startTestWorker, testClient } from '../../support/temporal';

describe('Temporal dev server', () => {
  const config = testConfig();
  const database = connectDatabase(config.DATABASE_URL, { max: 2 });
  const redis = connectRedis(config.REDIS_URL);
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let temporal: Awaited<ReturnType<typeof testClient>>;

  beforeAll(async () => {
    worker = await startTestWorker(config, { config, db: database.db, queues });
    temporal = await testClient(config);
  });
  afterAll(async () => {
    await worker?.shutdown();
    await temporal?.connection.close();
    await queues.close();
    redis.disconnect();
    await database.close();
  });

  it('runs a workflow with a durable timer to completion', async () => {
    const started = Date.now();
    const handle = await temporal.client.workflow.start(probe, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: uniqueName('probe'),
      args: [1500],
    });
    expect(await handle.result()).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);

    const history = await handle.fetchHistory();
    const types = (history.events ?? []).map((event) => event.eventType);
    // 1 = WORKFLOW_EXECUTION_STARTED, 17 = TIMER_STARTED, 18 = TIMER_FIRED, 2 = WORKFLOW_EXECUTION_COMPLETED
    expect(types).toContain(17);
    expect(types).toContain(18);
    expect(types.at(-1)).toBe(2);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
  });
});
