import { Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../../jobs/redis';
import { testConfig, uniqueName } from '../../support/services';

describe('BullMQ on Redis', () => {
  const config = testConfig();
  const connection = connectRedis(config.REDIS_URL);
  const workerConnection = connectRedis(config.REDIS_URL);
  const eventsConnection = connectRedis(config.REDIS_URL);
  const queueName = uniqueName('probe');
  const queue = new Queue(queueName, { connection, prefix: config.QUEUE_PREFIX });
  const events = new QueueEvents(queueName, { connection: eventsConnection, prefix: config.QUEUE_PREFIX });
  const seen: string[] = [];
  const worker = new Worker(
    queueName,
    async (job) => {
      seen.push(job.data.text as string);
      return { length: (job.data.text as string).length };
    },
    { connection: workerConnection, prefix: config.QUEUE_PREFIX },
  );

  afterAll(async () => {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    for (const c of [connection, workerConnection, eventsConnection]) c.disconnect();
  });

  it('processes a job through a worker and returns its result', async () => {
    await events.waitUntilReady();
    const job = await queue.add('echo', { text: '催办通知' });
    // waitUntilFinished can miss an event published before QueueEvents' first XREAD is under way
    // (seen on a loaded machine); the job's own state cannot be missed.
    const result = await Promise.race([
      job.waitUntilFinished(events, 15_000),
      (async () => {
        while ((await job.getState()) !== 'completed') await new Promise((r) => setTimeout(r, 100));
        return (await queue.getJob(job.id!))!.returnvalue;
      })(),
    ]);
    expect(result).toEqual({ length: 4 });
    expect(seen).toEqual(['催办通知']);
    expect(await job.getState()).toBe('completed');
    // The keys live in Redis under the test prefix.
    expect(await connection.exists(`${config.QUEUE_PREFIX}:${queueName}:${job.id}`)).toBe(1);
  });
});
