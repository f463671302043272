/**
 * A worker process (worker/main.ts) through a Temporal outage of its own dev server: its relay holds
 * its connections meanwhile (worker/temporal-relay.ts), so it polls again the moment the server is
 * back and a light that fell due during the outage turns within seconds of the return, not after the
 * SDK's poll backoff (up to 10 s more).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemEvents } from '../../../db/schema';
import { stopChild } from '../../../scripts/platform-processes';
import { ownTemporal, type OwnService } from '../faults/own-services';
import { freePort } from '../../support/free-port';
import { uniqueName } from '../../support/services';
import { engineHarness, eventually, startWorkerProcess, type EngineHarness } from './engine-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Long enough that the SDK's pollers back off to their 10 s cap: without the relay their first poll
// after the return comes 0–10 s late (retries at 12.6, 22.6, 32.6 s… into the outage).
const OUTAGE_MS = 25_000;

describe('a worker through a Temporal outage', () => {
  let dir: string;
  let temporal: OwnService & { address: string };
  let h: EngineHarness;
  let worker: ChildProcess | undefined;
  const output = { text: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sv-temporal-restart-'));
    const namespace = uniqueName('restart');
    temporal = await ownTemporal(dir, await freePort(), namespace);
    h = await engineHarness({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: namespace }, { worker: false });
    worker = await startWorkerProcess(h, { entry: 'worker/main.ts', ready: 'worker: polling task queue', env: { ROLLUP_UPKEEP_INTERVAL_SECONDS: '0' }, output });
  }, 120_000);
  afterAll(async () => {
    if (worker) await stopChild(worker, 5_000);
    await h?.close();
    await temporal?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('polls again at once when the server is back: a light due during the outage turns within 3 s of the return', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 8_000, policy: { warnBeforeMs: 4_000 } }] });
    const task = specs[0]!;
    // The task's timers are set before the server goes.
    await eventually(() => taskHandles[0]!.describe(), (d) => d.status.name === 'RUNNING', 10_000);
    await temporal.stop();
    await sleep(OUTAGE_MS);
    await temporal.start();
    const backAt = Date.now();
    expect(backAt).toBeGreaterThan(task.dueAt);

    const red = await eventually(
      () => h.database.db.select().from(itemEvents).where(and(eq(itemEvents.taskId, task.id), eq(itemEvents.type, 'light_changed'))),
      (rows) => rows.some((r) => (r.payload as { to: string }).to === 'red'),
      30_000,
    );
    const redAt = red.find((r) => (r.payload as { to: string }).to === 'red')!.at.getTime();
    expect(redAt - backAt).toBeLessThan(3_000);
    expect(output.text).toMatch(/does not answer: holding the worker's connections until it does/);
  }, 120_000);
});
