/**
 * Redis down under the real task workflow: actions still apply at once, the read model and the item
 * keep following the task, and the notification held back goes out exactly once when Redis is back.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../../db/schema/items';
import { portAnswers } from '../../../scripts/temporal-server';
import { itemStateQuery, signUpdate, urgeUpdate } from '../../../workflows/definitions';
import { startOwnRedis } from '../notifications/support/own-redis';
import { engineHarness, eventually, leader, staffOf, type EngineHarness } from './engine-harness';

let redis: Awaited<ReturnType<typeof startOwnRedis>>;
let h: EngineHarness;

beforeAll(async () => {
  redis = await startOwnRedis();
  h = await engineHarness({ REDIS_URL: redis.url });
});
afterAll(async () => {
  await redis?.start().catch(() => {}); // closing the queues needs it
  await h?.close();
  await redis?.stop();
});

const allStates = ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'] as const;

describe('when Redis is down', () => {
  it('a task still signs at once, its row and its item follow, and the urge goes out once Redis is back', async () => {
    const { handle, specs, taskHandles } = await h.launch();
    const spec = specs[0]!;
    const task = taskHandles[0]!;
    const row = async () => (await h.database.db.select().from(tasks).where(eq(tasks.id, spec.id)))[0];
    await eventually(row, (r) => r?.status === 'assigned');
    const jobsOf = async (event: string) =>
      (await h.queues.notifications.getJobs([...allStates])).filter((j) => j.data.taskId === spec.id && j.data.event === event);
    await eventually(() => jobsOf('assigned'), (jobs) => jobs.length === 1);

    await redis.stop();
    const urged = await task.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '请尽快签收' }] });
    expect(urged.urgeCount).toBe(1);
    const started = Date.now();
    const signed = await task.executeUpdate(signUpdate, { args: [{ actor: staffOf(spec.departmentId) }] });
    // Not held behind the notify that is waiting for Redis.
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(signed.status).toBe('signed');

    // Still down: the read model and the item's copy have moved on without it.
    const projected = await eventually(row, (r) => r?.status === 'signed', 15_000);
    expect(projected!.urgeCount).toBe(1);
    const item = await eventually(() => handle.query(itemStateQuery), (s) => s.tasks[0]?.status === 'signed', 15_000);
    expect(item.tasks[0]!.urgeCount).toBe(1);
    expect(await portAnswers('127.0.0.1', redis.port)).toBe(false);

    await redis.start();
    const urgeJobs = await eventually(() => jobsOf('urged'), (jobs) => jobs.length >= 1, 90_000, 500);
    expect(urgeJobs).toHaveLength(1);
    // Retried attempts that reached Redis later did not add a second job.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await jobsOf('urged')).toHaveLength(1);
  });
});
