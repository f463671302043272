import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemEvents, tasks } from '../../../db/schema';
import { notificationDedupeKey } from '../../../jobs/notifications/request';
import {
  decideExtensionUpdate,
  deadlinesRecomputedSignal,
  progressUpdate,
  requestExtensionUpdate,
  signUpdate,
  taskStateQuery,
  urgeUpdate,
} from '../../../workflows/definitions';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../../workflows/path';
import { engineHarness, eventually, leader, staffOf, supervisor, type EngineHarness } from './engine-harness';
import { startTestWorker } from '../../support/temporal';
import { loadItemHistories } from '../../../audit/load';
import { verifyItem } from '../../../audit/verify';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Temporal timers land within this of their instant on the test server. */
const ON_TIME_MS = 1_500;

describe('lights by durable timers', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await engineHarness();
  });
  afterAll(() => h?.close());

  const timelineOf = (taskId: string) =>
    h.database.db.select().from(itemEvents).where(eq(itemEvents.taskId, taskId)).orderBy(asc(itemEvents.seq));
  const lightChanges = async (taskId: string) =>
    (await timelineOf(taskId)).filter((e) => e.type === 'light_changed').map((e) => ({ ...e, to: (e.payload as { to: string }).to }));

  it('yellow at warnAt and red at dueAt arrive on time with nobody polling, each with its reason', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 4_000, policy: { warnBeforeMs: 2_000 } }] });
    const spec = specs[0]!;
    // Nobody queries the workflow meanwhile: only its own timer can change the light.
    await sleep(5_500);
    const changes = await eventually(() => lightChanges(spec.id), (c) => c.length >= 2);
    const [yellow, red] = changes;
    expect(yellow).toMatchObject({ to: 'yellow', reasonCode: 'warning_window', reasonEn: 'due within 2 seconds', reasonZh: '距办理期限不足2秒' });
    expect(red).toMatchObject({ to: 'red', reasonCode: 'due_passed', reasonEn: 'due date passed' });
    const warnAt = spec.dueAt - 2_000;
    expect(yellow!.at.getTime() - warnAt).toBeGreaterThanOrEqual(0);
    expect(yellow!.at.getTime() - warnAt).toBeLessThan(ON_TIME_MS);
    expect(red!.at.getTime() - spec.dueAt).toBeGreaterThanOrEqual(0);
    expect(red!.at.getTime() - spec.dueAt).toBeLessThan(ON_TIME_MS);

    const state = await taskHandles[0]!.query(taskStateQuery);
    expect(state).toMatchObject({ light: 'red', redEver: true, lightReason: { code: 'due_passed' } });
    const row = await eventually(
      () => h.database.db.select().from(tasks).where(eq(tasks.id, spec.id)),
      (rows) => rows[0]?.version === state.version,
    );
    expect(row[0]).toMatchObject({ light: 'red', redEver: true, lightReasonCode: 'due_passed' });

    // The department heard of the yellow light; supervisors and the issuing leader of the red one.
    const jobs = await h.queues.notifications.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']);
    const mine = jobs.filter((j) => j.data.taskId === spec.id);
    expect(mine.map((j) => j.data.event).sort()).toEqual(['assigned', 'red', 'yellow']);
    const redJob = mine.find((j) => j.data.event === 'red')!;
    expect(redJob.id).toBe(notificationDedupeKey(`task-${spec.id}`, redJob.data.dedupeKey.split('#')[1]!, 'red'));
    expect(redJob.data).toMatchObject({ urgent: true, departmentId: spec.departmentId, reason: { code: 'due_passed' } });
  });

  it('a wake-up falling due in the workflow task that continues as new still turns the light, and the run replays', async () => {
    // Every workflow task after the first finds the history too long (more than 5 events), so the one the
    // warning timer wakes is also the one that continues as new. Live and in replay alike, the light
    // must turn before the run hands over, queries or not.
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 4_000, policy: { warnBeforeMs: 2_000 } }], options: { continueAsNewAfterEvents: 5 } });
    const firstRun = (await eventually(() => taskHandles[0]!.describe(), () => true)).runId;
    // Queries all along, as the API's readers make them: each is an activation that re-checks conditions.
    let querying = true;
    const queries = (async () => {
      while (querying) await taskHandles[0]!.query(taskStateQuery).catch(() => null);
    })();
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 2, 10_000);
    querying = false;
    await queries;
    expect(changes.map((c) => c.to)).toEqual(['yellow', 'red']);
    expect(changes[0]!.at.getTime() - (specs[0]!.dueAt - 2_000)).toBeLessThan(ON_TIME_MS);
    const run = h.client.workflow.getHandle(taskHandles[0]!.workflowId, firstRun);
    expect((await run.describe()).status.name).toBe('CONTINUED_AS_NEW');
    await Worker.runReplayHistory({ workflowsPath }, await run.fetchHistory());
  });

  it('sign-in overdue turns yellow, then red after the escalation period', async () => {
    const { specs } = await h.launch({ tasks: [{ policy: { signWithinMs: 1_500, escalateAfterMs: 1_500 } }] });
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 2, 10_000);
    expect(changes.map((c) => [c.to, c.reasonCode])).toEqual([
      ['yellow', 'sign_overdue'],
      ['red', 'escalated_sign'],
    ]);
    expect(changes[0]!.reasonEn).toBe('not signed within 1 second');
  });

  it('a missing progress report turns yellow with "no progress report for …"', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ policy: { reportEveryMs: 2_000 } }] });
    await taskHandles[0]!.executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[0]!.departmentId) }] });
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 1, 10_000);
    expect(changes[0]).toMatchObject({ to: 'yellow', reasonCode: 'report_overdue', reasonEn: 'no progress report for 2 seconds' });
    // A report puts it back on track and re-arms the cadence.
    const back = await taskHandles[0]!.executeUpdate(progressUpdate, { args: [{ actor: staffOf(specs[0]!.departmentId), text: '推进中' }] });
    expect(back.light).toBe('green');
  });

  it('reports that push the next wake-up later keep the armed timer: no timer restarted per report, the light still turns on time', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ policy: { reportEveryMs: 3_000 } }] });
    const th = taskHandles[0]!;
    const dept = staffOf(specs[0]!.departmentId);
    await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    // Three reports, each moving the report deadline later than the one the timer is armed for.
    let lastReportAt = 0;
    for (const text of ['一', '二', '三']) {
      await sleep(700);
      lastReportAt = Date.now();
      await th.executeUpdate(progressUpdate, { args: [{ actor: dept, text }] });
    }
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 1, 10_000);
    expect(changes[0]).toMatchObject({ to: 'yellow', reasonCode: 'report_overdue' });
    // Yellow at the last report's deadline: the spare wake-ups at the earlier deadlines changed nothing.
    expect(changes[0]!.at.getTime() - (lastReportAt + 3_000)).toBeGreaterThanOrEqual(-200);
    expect(changes[0]!.at.getTime() - (lastReportAt + 3_000)).toBeLessThan(ON_TIME_MS);
    // From the first report on (the sign-in may re-arm: it brings the next wake-up forward), no timer
    // was cancelled; the timers that fired include the spare wake-ups.
    const events = (await th.fetchHistory()).events ?? [];
    const firstReport = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'progress');
    expect(firstReport).toBeGreaterThan(0);
    expect(events.slice(firstReport).filter((e) => e.timerCanceledEventAttributes)).toEqual([]);
    expect(events.slice(firstReport).filter((e) => e.timerFiredEventAttributes).length).toBeGreaterThanOrEqual(2);
  });

  it('pace warning: progress lagging the share of time used by more than the margin turns yellow', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 10_000, policy: { paceMarginPercent: 20, warnBeforeMs: 1_000 } }] });
    const dept = staffOf(specs[0]!.departmentId);
    await taskHandles[0]!.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    await taskHandles[0]!.executeUpdate(progressUpdate, { args: [{ actor: dept, text: '刚开始', percent: 5 }] });
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 1, 10_000);
    expect(changes[0]).toMatchObject({ to: 'yellow', reasonCode: 'pace_lag' });
    // 5% + 20 points of margin: about a quarter of the time in, long before the warning window.
    expect(changes[0]!.at.getTime()).toBeLessThan(specs[0]!.dueAt - 5_000);
  });

  it('an approved extension moves dueAt and warnAt: red turns green, postponed, redEver stays; the new timers fire', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 1_500, policy: { warnBeforeMs: 500 } }] });
    const th = taskHandles[0]!;
    const dept = staffOf(specs[0]!.departmentId);
    await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    await eventually(() => th.query(taskStateQuery), (s) => s.light === 'red');
    const newDueAt = Date.now() + 4_000;
    await th.executeUpdate(requestExtensionUpdate, { args: [{ actor: dept, reason: '需协调多部门', newDueAt }] });
    const approved = await th.executeUpdate(decideExtensionUpdate, { args: [{ actor: supervisor(), approve: true, comment: '同意' }] });
    expect(approved).toMatchObject({
      light: 'green',
      postponed: true,
      redEver: true,
      dueAt: new Date(newDueAt).toISOString(),
      warnAt: new Date(newDueAt - 500).toISOString(),
      originalDueAt: new Date(specs[0]!.dueAt).toISOString(),
    });
    const again = await eventually(() => th.query(taskStateQuery), (s) => s.light === 'red', 10_000);
    expect(again.lightReason?.code).toBe('due_passed');
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 5);
    expect(changes.map((c) => c.to)).toEqual(['yellow', 'red', 'green', 'yellow', 'red']);
  });

  it('a calendar change (deadlinesRecomputed) re-arms the timers and is recorded with its reason', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 3_600_000, policy: { warnBeforeMs: 1_000 } }] });
    const th = taskHandles[0]!;
    const dueAt = Date.now() + 2_500;
    await th.signal(deadlinesRecomputedSignal, { dueAt, warnAt: dueAt - 1_000, reason: '2027年节假日安排发布' });
    const red = await eventually(() => th.query(taskStateQuery), (s) => s.light === 'red', 10_000);
    expect(red).toMatchObject({ dueAt: new Date(dueAt).toISOString(), originalDueAt: new Date(dueAt).toISOString() });
    const timeline = await eventually(() => timelineOf(specs[0]!.id), (rows) => rows.some((e) => e.type === 'deadlines_recomputed'));
    expect(timeline.find((e) => e.type === 'deadlines_recomputed')).toMatchObject({
      reasonCode: 'calendar_changed',
      reasonZh: '2027年节假日安排发布',
      actorRole: 'system',
    });
    const changes = await eventually(() => lightChanges(specs[0]!.id), (c) => c.length >= 2);
    expect(changes.map((c) => c.to)).toEqual(['yellow', 'red']);
    expect(changes[1]!.at.getTime() - dueAt).toBeLessThan(ON_TIME_MS);
  });

  it('an urge nobody answers escalates to the department leader, then the supervision office', async () => {
    const { specs, taskHandles } = await h.launch({ options: { urgeEscalateAfterMs: 1_000 } });
    const th = taskHandles[0]!;
    const urged = await th.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '请抓紧办理' }] });
    expect(urged.urgeCount).toBe(1);
    const steps = await eventually(
      async () => (await timelineOf(specs[0]!.id)).filter((e) => e.type === 'urge_escalated'),
      (rows) => rows.length >= 2,
      10_000,
    );
    expect(steps.map((s) => (s.payload as { level: string }).level)).toEqual(['department_leader', 'supervision_office']);
    const jobs = await eventually(
      async () =>
        (await h.queues.notifications.getJobs(['waiting', 'prioritized', 'delayed'])).filter(
          (j) => j.data.taskId === specs[0]!.id && j.data.event === 'urge_escalated',
        ),
      (js) => js.length === 2,
    );
    expect(jobs.map((j) => j.data.escalationLevel).sort()).toEqual(['department_leader', 'supervision_office']);

    // A second urge answered by the department in time does not escalate.
    await th.executeUpdate(urgeUpdate, { args: [{ actor: supervisor(), message: '再次催办' }] });
    await th.executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[0]!.departmentId) }] });
    await sleep(2_500);
    const after = (await timelineOf(specs[0]!.id)).filter((e) => e.type === 'urge_escalated');
    expect(after).toHaveLength(2);
    const rows = await h.database.db.select().from(itemEvents).where(and(eq(itemEvents.taskId, specs[0]!.id), eq(itemEvents.type, 'urge')));
    expect(rows.map((r) => r.actorRole).sort()).toEqual(['leader', 'supervisor']);
  });
});

describe('a light that falls due while a run hands over', () => {
  /** Every notification is handed to the queue this late: the run handing over waits that long for its outbox. */
  const NOTIFY_DELAY_MS = 4_000;
  let h: EngineHarness;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  beforeAll(async () => {
    h = await engineHarness({}, { worker: false });
    const notifications = new Proxy(h.queues.notifications, {
      get(target, prop) {
        if (prop !== 'add') {
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: Parameters<typeof target.add>) => {
          await sleep(NOTIFY_DELAY_MS);
          return target.add(...args);
        };
      },
    });
    worker = await startTestWorker(h.config, { config: h.config, db: h.database.db, queues: { ...h.queues, notifications } });
  });
  afterAll(async () => {
    await worker?.shutdown();
    await h?.close();
  });

  it('turns on time, in the run waiting for its outbox', async () => {
    // Yellow at 1.5 s makes the history too long (over 5 events): the run hands over once its outbox is
    // idle, which the slow notifications (assigned, yellow) hold up past the red instant at 3 s. The
    // run keeps its wake-up timer armed while it waits: red turns at 3 s, in that run.
    const { specs, taskHandles, itemId } = await h.launch({ tasks: [{ dueInMs: 3_000, policy: { warnBeforeMs: 1_500 } }], options: { continueAsNewAfterEvents: 5 } });
    const spec = specs[0]!;
    const firstRun = (await eventually(() => taskHandles[0]!.describe(), () => true)).runId;
    const lightChanges = async () =>
      (await h.database.db.select().from(itemEvents).where(and(eq(itemEvents.taskId, spec.id), eq(itemEvents.type, 'light_changed'))).orderBy(asc(itemEvents.at))).map(
        (e) => ({ to: (e.payload as { to: string }).to, at: e.at.getTime(), stream: e.stream }),
      );
    const changes = await eventually(lightChanges, (c) => c.some((x) => x.to === 'red'), 25_000);
    expect(changes.map((c) => c.to)).toEqual(['yellow', 'red']);
    expect(changes[1]!.at).toBeGreaterThanOrEqual(spec.dueAt);
    expect(changes[1]!.at - spec.dueAt).toBeLessThan(ON_TIME_MS);
    const first = h.client.workflow.getHandle(taskHandles[0]!.workflowId, firstRun);
    // It hands over once the slow notifications are out; the fresh run carries the red.
    await eventually(async () => (await first.describe()).status.name, (status) => status === 'CONTINUED_AS_NEW', 25_000);
    expect(await taskHandles[0]!.query(taskStateQuery)).toMatchObject({ light: 'red', redEver: true });
    await Worker.runReplayHistory({ workflowsPath }, await first.fetchHistory());
    // The audit folds the same turn from history: its state, the recorded one and the read model agree.
    const report = await eventually(
      async () => verifyItem(h.database.db, await loadItemHistories({ client: h.client, db: h.database.db }, itemId)),
      (r) => r.readModel.ok,
    );
    expect(report.replay.fold.problems).toEqual([]);
    expect(report.readModel.differences).toEqual([]);
  });
});
