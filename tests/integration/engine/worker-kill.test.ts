import type { ChildProcess } from 'node:child_process';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemEvents } from '../../../db/schema';
import { signUpdate, taskDetailQuery } from '../../../workflows/definitions';
import { engineHarness, eventually, staffOf, startWorkerProcess, type EngineHarness } from './engine-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** tests/support/worker-process.ts on the harness's task queue; resolves once it polls. */
const startWorker = (h: EngineHarness) => startWorkerProcess(h, { entry: 'tests/support/worker-process.ts', ready: 'worker ready' });

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a worker killed mid-item (SIGKILL) loses nothing', () => {
  let h: EngineHarness;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    h = await engineHarness({}, { worker: false });
  });
  afterAll(async () => {
    if (worker) await kill(worker);
    await h?.close();
  });

  it('timers that fell due while it was down fire; an action accepted before the kill applies once', async () => {
    worker = await startWorker(h);
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 5_000, policy: { warnBeforeMs: 2_500 } }] });
    const th = taskHandles[0]!;
    const updateId = crypto.randomUUID();
    const signed = await th.executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[0]!.departmentId) }], updateId });
    expect(signed).toMatchObject({ status: 'signed', version: 1, light: 'green' });

    const killedPid = worker.pid!;
    await kill(worker);
    expect(processAlive(killedPid)).toBe(false);
    // Both the warning and the due instant pass while no worker runs.
    await sleep(Math.max(0, specs[0]!.dueAt - Date.now()) + 1_000);
    worker = await startWorker(h);
    const restartedAt = Date.now();

    const state = await eventually(() => th.query(taskDetailQuery), (s) => s.light === 'red', 30_000);
    expect(state).toMatchObject({ status: 'signed', redEver: true });
    // Within seconds of the restart (the dead worker's sticky queue times out first).
    expect(Date.now() - restartedAt).toBeLessThan(20_000);
    // The repeated request is answered with the first result and changes nothing.
    const again = await th.executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[0]!.departmentId) }], updateId });
    expect(again).toEqual(signed);

    const timeline = await eventually(
      () => h.database.db.select().from(itemEvents).where(eq(itemEvents.taskId, specs[0]!.id)).orderBy(asc(itemEvents.seq)),
      (rows) => rows.filter((r) => r.type === 'light_changed').length >= 1,
      40_000,
    );
    expect(timeline.filter((r) => r.type === 'sign')).toHaveLength(1);
    const lights = timeline.filter((r) => r.type === 'light_changed').map((r) => (r.payload as { to: string }).to);
    // The timer fired once on restart, past both instants: straight to red, due date passed.
    expect(lights.at(-1)).toBe('red');
    expect(timeline.find((r) => r.type === 'light_changed' && r.reasonCode === 'due_passed')).toBeTruthy();
    const history = await th.fetchHistory();
    const accepted = (history.events ?? []).filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId,
    );
    expect(accepted).toHaveLength(1);
  });
});
