import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities, type NotifyInput } from '../../../activities/notify';
import { notificationDedupeKey } from '../../../jobs/notifications/request';
import { testClient } from '../../support/temporal';
import { testConfig } from '../../support/services';
import { createTestOrg, type TestOrg } from './support/org';
import { startOwnRedis } from './support/own-redis';
import { localReceivers, startPipeline, waitFor } from './support/pipeline';

const workflowsPath = fileURLToPath(new URL('./workflows/notify-once.ts', import.meta.url));

let redis: Awaited<ReturnType<typeof startOwnRedis>>;
let pipeline: Awaited<ReturnType<typeof startPipeline>>;
let org: TestOrg;

beforeAll(async () => {
  redis = await startOwnRedis();
  pipeline = await startPipeline({ config: testConfig({ REDIS_URL: redis.url, ...localReceivers }) });
  org = await createTestOrg(pipeline.db);
});
afterAll(async () => {
  await redis?.start().catch(() => {}); // closing queues needs it up
  await pipeline?.close();
  await redis?.stop();
});

describe('when Redis is down', () => {
  it('the workflow is neither blocked nor lost: its notify activity retries until Redis is back, then the notification goes out once', async () => {
    const { config } = pipeline;
    const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowsPath,
      // The engine's real notify activity, on the test's own Redis.
      activities: createNotifyActivities(pipeline.queues),
    });
    const running = worker.run();
    const { client, connection: clientConnection } = await testClient(config);
    try {
      await redis.stop();
      const workflowId = `notify-outage-${randomUUID()}`;
      const input: NotifyInput = {
        workflowId,
        eventRef: 3,
        suffix: 'red',
        event: 'red',
        item: { id: randomUUID(), code: 'DB-2026-0042', title: '防汛物资储备', kind: 'leadership_instruction', issuedBy: org.issuer },
        taskId: workflowId,
        departmentId: org.department.id,
        occurredAt: Date.now(),
      };
      const handle = await client.workflow.start('notifyOnce', { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [input] });

      // The activity fails and is retried while Redis is away; the workflow stays open, waiting.
      const pending = await waitFor(
        async () => {
          const description = await handle.describe();
          const activity = description.raw.pendingActivities?.[0];
          return description.status.name === 'RUNNING' && (activity?.attempt ?? 0) >= 3 ? activity : null;
        },
        40_000,
        'the notify activity to be retried',
      );
      expect(pending!.lastFailure?.message ?? '').toMatch(/Redis is not connected|Redis did not accept|timed out|timeout/i);
      const dedupeKey = notificationDedupeKey(workflowId, 3, 'red');
      expect(await pipeline.inboxByKey(dedupeKey)).toHaveLength(0);

      await redis.start();
      const result = await handle.result();
      expect(result).toEqual({ enqueued: true, jobId: dedupeKey });
      const rows = await waitFor(async () => {
        const found = await pipeline.inboxByKey(dedupeKey);
        return found.length >= 5 ? found : null;
      }, 20_000, 'the inbox rows');
      // Several timed-out attempts reached Redis once it was back; the job id kept it to one delivery each.
      const mine = new Set([...org.staff, org.departmentLeader, org.supervisor, org.issuer]);
      expect(rows.filter((r) => mine.has(r.userId))).toHaveLength(5);
      expect(new Set(rows.map((r) => r.userId)).size).toBe(rows.length);
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
    }
  });
});
