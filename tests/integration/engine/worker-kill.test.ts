import { spawn, type ChildProcess } from 'node:child_process';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemEvents } from '../../../db/schema';
import { signUpdate, taskDetailQuery } from '../../../workflows/definitions';
import { testServices } from '../../support/services';
import { engineHarness, eventually, staffOf, type EngineHarness } from './engine-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts tests/support/worker-process.ts on the harness's task queue; resolves once it polls. */
function startWorkerProcess(h: EngineHarness): Promise<ChildProcess> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    TEMPORAL_ADDRESS: h.config.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: h.config.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: h.config.TEMPORAL_TASK_QUEUE,
    DATABASE_URL: h.config.DATABASE_URL,
    REDIS_URL: h.config.REDIS_URL,
    QUEUE_PREFIX: h.config.QUEUE_PREFIX,
    SESSION_SECRET: h.config.SESSION_SECRET,
    LOG_LEVEL: 'silent',
    WORKFLOW_BUNDLE_PATH: testServices().workflowBundlePath,
  };
  // node --import tsx, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/worker-process.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker ready')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
}

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
    worker = await startWorkerProcess(h);
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
    worker = await startWorkerProcess(h);
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
