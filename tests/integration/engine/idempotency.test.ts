import type { WorkflowHandle } from '@temporalio/client';
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities';
import { loadItemHistories } from '../../../audit/load';
import { foldItemHistories } from '../../../audit/replay';
import { deliverUpdate } from '../../../api/services/temporal/deliver-update';
import { insertItemEvents } from '../../../db/queries/items-projection';
import { itemEventRowOf } from '../../../db/queries/projection-rows';
import { itemEvents, items, tasks } from '../../../db/schema';
import type { ItemWire } from '../../../workflows/item-definitions';
import { completeUpdate, instructUpdate, itemStateQuery, progressUpdate, signUpdate, taskDetailQuery, taskStateQuery, urgeUpdate } from '../../../workflows/definitions';
import { engineHarness, eventually, leader, staffOf, type EngineHarness } from './engine-harness';

describe('exactly once: update ids, continue-as-new, projections, notifications', () => {
  let h: EngineHarness;
  let activities: ReturnType<typeof createActivities>;
  beforeAll(async () => {
    h = await engineHarness();
    activities = createActivities({ config: h.config, db: h.database.db, queues: h.queues });
  });
  afterAll(() => h?.close());

  it('a repeated update id applies once and returns the first result', async () => {
    const { taskHandles } = await h.launch();
    const th = taskHandles[0]!;
    const updateId = crypto.randomUUID();
    const first = await th.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '催办' }], updateId });
    const second = await th.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '催办' }], updateId });
    expect(second).toEqual(first);
    expect((await th.query(taskStateQuery)).urgeCount).toBe(1);
  });

  it('… also across a continue-as-new, and no Update is lost while the workflow continues as new', async () => {
    const { handle, specs, taskHandles } = await h.launch({ options: { continueAsNewAfterEvents: 40 } });
    const th = taskHandles[0]!;
    const firstRun = (await th.describe()).runId;
    const updateId = crypto.randomUUID();
    const first = await th.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '第一次催办' }], updateId });
    expect(first.urgeCount).toBe(1);

    const dept = staffOf(specs[0]!.departmentId);
    await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    // Many Updates at once — more than the server's 10 in flight per workflow — some of them arriving
    // while the run continues as new. They go the way the API sends them (deliverUpdate), which sends
    // again, under the same id, an Update the worker was handed but never answered.
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        deliverUpdate(th, progressUpdate, { args: [{ actor: dept, text: `进展${i}`, percent: i }], updateId: crypto.randomUUID() }),
      ),
    );
    expect(results).toHaveLength(24);
    const state = await th.query(taskDetailQuery);
    // urge + sign + 24 reports: every one applied exactly once.
    expect(state.version).toBe(26);
    const runs = await eventually(
      () => th.describe(),
      (d) => d.runId !== firstRun,
    );
    expect(runs.runId).not.toBe(firstRun);

    // The same idempotency key in the new run: Temporal no longer knows it, the workflow does.
    const again = await th.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '第一次催办' }], updateId });
    expect(again).toEqual(first);
    // Answered from the carried cache: nothing applied again.
    expect(await th.query(taskDetailQuery)).toMatchObject({ urgeCount: 1, version: 26 });

    // After the task's continue-as-new the item still hears of what it rolls up.
    await th.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '已办结' }] });
    const item = await eventually(() => handle.query(itemStateQuery), (s) => s.tasks[0]!.status === 'submitted');
    expect(item.status).toBe('in_progress');
  });

  /** A launched item whose one task is signed, once its row in the read model has caught up. */
  async function launchSignedAndProjected() {
    const launched = await h.launch();
    const th = launched.taskHandles[0]!;
    await th.executeUpdate(signUpdate, { args: [{ actor: staffOf(launched.specs[0]!.departmentId) }] });
    const current = await th.query(taskDetailQuery);
    const [row] = await eventually(
      () => h.database.db.select().from(tasks).where(eq(tasks.id, launched.specs[0]!.id)),
      (rows) => rows[0]?.version === current.version,
    );
    return { ...launched, th, current, row };
  }

  /**
   * The item's live state and its row, once the row has caught up with that state (the item's own
   * projection has landed). Both are read on every try, so a state that moves on meanwhile is followed.
   */
  const itemCaughtUp = (handle: WorkflowHandle, itemId: string, ready: (s: ItemWire) => boolean = () => true) =>
    eventually(
      async () => {
        const state = await handle.query(itemStateQuery);
        const [row] = await h.database.db.select().from(items).where(eq(items.id, itemId));
        return { state, row };
      },
      ({ state, row }) => ready(state) && row?.version === state.version,
    );

  it('the read model reaches the right version and never goes backwards', async () => {
    const { handle, specs, th, itemId, current, row } = await launchSignedAndProjected();
    expect(row).toMatchObject({ status: 'signed', version: 1 });

    // A late retry of an older projection changes nothing.
    const older = { ...current, status: 'assigned' as const, signedAt: null, version: current.version - 1 };
    expect(await activities.projectTask({ task: older, workflowId: th.workflowId, transferredFrom: null, timeline: [] })).toMatchObject({
      written: false,
    });
    const [after] = await h.database.db.select().from(tasks).where(eq(tasks.id, specs[0]!.id));
    expect(after).toMatchObject({ status: 'signed', version: current.version });

    const { row: itemRow } = await itemCaughtUp(handle, itemId, (s) => s.status === 'in_progress');
    expect(itemRow!.status).toBe('in_progress');
  });

  it('a task projection (one statement) appends an entry once, rewrites the row at its version, keeps the item facts, and reads back as written', async () => {
    const { specs, th, current, row: before } = await launchSignedAndProjected();
    expect(before!.itemKind).not.toBeNull();

    const entry = {
      stream: th.workflowId,
      seq: 9_999,
      itemId: current.itemId,
      taskId: current.id,
      version: current.version,
      type: 'progress',
      actor: { ...staffOf(current.departmentId), name: '王主任' },
      reason: { code: null, en: 'on "schedule"', zh: '按期推进 \\ 引号"' },
      payload: { percent: 40, nested: { text: '第一阶段完成' }, list: [1, null, true] },
      at: Date.UTC(2026, 10, 26, 8, 30, 15, 123),
    };
    // With an extension pending: a JSON column, written at the same version (an equal version is rewritten).
    const pendingExtension = { reason: '需协调', newDueAt: current.dueAt + 86_400_000, requestedAt: entry.at, actor: entry.actor };
    const input = { task: { ...current, pendingExtension }, workflowId: th.workflowId, transferredFrom: null, timeline: [entry] };
    expect(await activities.projectTask(input)).toMatchObject({ written: true });
    expect(await activities.projectTask(input)).toMatchObject({ written: true });

    const appended = await h.database.db.select().from(itemEvents).where(eq(itemEvents.id, `${th.workflowId}#9999`));
    expect(appended).toHaveLength(1);
    expect(appended[0]).toMatchObject({
      itemId: current.itemId,
      taskId: current.id,
      seq: 9_999,
      actorName: '王主任',
      actorRole: 'department',
      actorDepartmentId: current.departmentId,
      reasonCode: null,
      reasonEn: 'on "schedule"',
      reasonZh: '按期推进 \\ 引号"',
      payload: entry.payload,
      at: new Date(entry.at),
    });
    const [after] = await h.database.db.select().from(tasks).where(eq(tasks.id, specs[0]!.id));
    // Every column as before but the time of projection and the pending extension.
    const unchanged = (row: typeof after) => ({ ...row, projectedAt: null, pendingExtension: null });
    expect(unchanged(after)).toEqual(unchanged(before));
    expect(after!.pendingExtension).toEqual({
      reason: '需协调',
      newDueAt: new Date(pendingExtension.newDueAt).toISOString(),
      requestedAt: new Date(entry.at).toISOString(),
      requestedBy: entry.actor.userId,
    });
  });

  /** The stream's entries above a sequence number, in order: what its timeline shows past that point. */
  const entriesAbove = (stream: string, seq: number) =>
    h.database.db
      .select({ seq: itemEvents.seq, type: itemEvents.type, at: itemEvents.at })
      .from(itemEvents)
      .where(and(eq(itemEvents.stream, stream), gt(itemEvents.seq, seq)))
      .orderBy(asc(itemEvents.seq));

  it("a lost workflow task's entries leave the timeline when the run that replaced it projects, and a stale write removes nothing newer", async () => {
    const { th, current } = await launchSignedAndProjected();
    const stream = th.workflowId;
    const last = (await entriesAbove(stream, 0)).at(-1)!.seq;

    // What a workflow task whose worker died after its projection wrote left behind: two entries the
    // history never recorded (an urge and the light it turned), from a decision a minute ago.
    const lostAt = Date.now() - 60_000;
    const ghost = (seq: number, type: string) => ({
      stream,
      seq,
      itemId: current.itemId,
      taskId: current.id,
      version: current.version + 1,
      type,
      actor: leader(),
      reason: null,
      payload: {},
      at: lostAt,
    });
    const lost = { task: current, workflowId: stream, transferredFrom: null, timeline: [ghost(last + 1, 'urge'), ghost(last + 2, 'light_changed')] };
    await activities.projectTask({ ...lost, tail: { seq: last + 2, decidedAt: lostAt } });
    expect((await entriesAbove(stream, last)).map((e) => e.type)).toEqual(['urge', 'light_changed']);

    // The live workflow goes on: its next entry takes the first of those numbers, and its projection
    // removes the other, which it never recorded.
    await th.executeUpdate(progressUpdate, { args: [{ actor: staffOf(current.departmentId), text: '已完成初稿', percent: 30 }] });
    const after = await eventually(
      () => entriesAbove(stream, last),
      (rows) => rows.length === 1 && rows[0]!.type === 'progress',
    );
    expect(after).toEqual([expect.objectContaining({ seq: last + 1, type: 'progress' })]);
    expect(after[0]!.at.getTime()).toBeGreaterThan(lostAt);

    // A write decided before that entry (a stale task's, landing late) removes nothing newer than itself.
    await activities.projectTask({ ...lost, timeline: [], tail: { seq: last, decidedAt: lostAt } });
    expect(await entriesAbove(stream, last)).toEqual(after);
  });

  it("… and the same for the item's own stream", async () => {
    const { handle, itemId } = await launchSignedAndProjected();
    // The last entry read below is the item's last, not one still on its way.
    const { state } = await itemCaughtUp(handle, itemId, (s) => s.status === 'in_progress');
    const stream = handle.workflowId;
    const last = (await entriesAbove(stream, 0)).at(-1)!.seq;
    const lostAt = Date.now() - 60_000;
    const ghost = (seq: number) => ({ stream, seq, itemId, taskId: null, version: state.version + 1, type: 'cancelled', actor: leader(), reason: null, payload: {}, at: lostAt });
    await insertItemEvents(h.database.db, [ghost(last + 1), ghost(last + 2)].map(itemEventRowOf));
    expect(await entriesAbove(stream, last)).toHaveLength(2);

    // A leader's instruction: the item records it under the first of those numbers, and no cancellation is left.
    await handle.executeUpdate(instructUpdate, { args: [{ actor: leader(), id: crypto.randomUUID(), text: '请加快进度' }] });
    const left = await eventually(
      () => entriesAbove(stream, last),
      (rows) => rows.every((e) => e.type !== 'cancelled'),
    );
    expect(left).toEqual([expect.objectContaining({ seq: last + 1 })]);
    expect(left[0]!.at.getTime()).toBeGreaterThan(lostAt);
  });

  it("a timed-out workflow task's projection, landing after the retry that replaced it, changes neither the timeline nor the row", async () => {
    const { th, current } = await launchSignedAndProjected();
    const stream = th.workflowId;
    const last = (await entriesAbove(stream, 0)).at(-1)!.seq;

    // The retry (the live workflow) records a report under the next number and projects it.
    await th.executeUpdate(progressUpdate, { args: [{ actor: staffOf(current.departmentId), text: '已完成初稿', percent: 30 }] });
    const live = await th.query(taskDetailQuery);
    const recorded = await eventually(
      () => entriesAbove(stream, last),
      (rows) => rows.length === 1 && rows[0]!.type === 'progress',
    );
    const [rowBefore] = await eventually(
      () => h.database.db.select().from(tasks).where(eq(tasks.id, current.id)),
      (rows) => rows[0]?.version === live.version,
    );

    // The timed-out task decided ten seconds earlier, at the same version, and saw it otherwise: its
    // report under the same number (another time, another percent) and one entry more the retry never recorded.
    const decidedAt = recorded[0]!.at.getTime() - 10_000;
    const entry = (seq: number, type: string) => ({
      stream,
      seq,
      itemId: current.itemId,
      taskId: current.id,
      version: live.version,
      type,
      actor: staffOf(current.departmentId),
      reason: null,
      payload: { percent: 10 },
      at: decidedAt,
    });
    const stale = {
      task: { ...live, percent: 10, lastReportAt: decidedAt },
      workflowId: stream,
      transferredFrom: null,
      timeline: [entry(last + 1, 'progress'), entry(last + 2, 'urge')],
      tail: { seq: last + 2, decidedAt },
    };
    expect(await activities.projectTask(stale)).toMatchObject({ written: false });
    expect(await entriesAbove(stream, last)).toEqual(recorded);
    const [rowAfter] = await h.database.db.select().from(tasks).where(eq(tasks.id, current.id));
    expect(rowAfter).toEqual({ ...rowBefore, projectedAt: rowAfter!.projectedAt });
    expect(rowAfter!.percent).toBe(30);

    // A write decided after the entry there still rewrites it (a lost task's replacement landing second).
    const later = recorded[0]!.at.getTime() + 1;
    const replacement = { ...stale, task: { ...live, percent: 40 }, timeline: [{ ...entry(last + 1, 'progress'), at: later }], tail: { seq: last + 1, decidedAt: later } };
    expect(await activities.projectTask(replacement)).toMatchObject({ written: true });
    expect((await entriesAbove(stream, last)).map((e) => e.at.getTime())).toEqual([later]);
  });

  it("… and the same for the item's stream: the late write is refused whole", async () => {
    const { handle, itemId } = await launchSignedAndProjected();
    await handle.executeUpdate(instructUpdate, { args: [{ actor: leader(), id: crypto.randomUUID(), text: '请加快进度' }] });
    const stream = handle.workflowId;
    const { state: live, row: itemBefore } = await itemCaughtUp(handle, itemId);
    // The item's state as its workflow last projected it (history keeps each projection's input).
    const state = foldItemHistories(await loadItemHistories({ client: h.client, db: h.database.db }, itemId)).item.state!;
    expect(state.version).toBe(live.version);
    const before = await entriesAbove(stream, 0);
    const last = before.at(-1)!;
    const decidedAt = last.at.getTime() - 10_000;
    const ghost = { stream, seq: last.seq, itemId, taskId: null, version: state.version, type: 'cancelled', actor: leader(), reason: null, payload: {}, at: decidedAt };
    const stale = { state: { ...state, status: 'cancelled' as const }, workflowId: stream, launchedAt: state.launchedAt, timeline: [ghost, { ...ghost, seq: last.seq + 1 }], tail: { seq: last.seq + 1, decidedAt } };
    expect(await activities.projectItem(stale)).toMatchObject({ written: false });
    expect(await entriesAbove(stream, 0)).toEqual(before);
    const [itemAfter] = await h.database.db.select().from(items).where(eq(items.id, itemId));
    expect(itemAfter!.status).toBe(itemBefore!.status);
  });

  it('notifications are enqueued once per event: the job id is the dedupe key', async () => {
    const { input, specs } = await h.launch();
    const request = {
      workflowId: `task-${specs[0]!.id}`,
      eventRef: 7,
      suffix: 'urged',
      event: 'urged' as const,
      item: { id: input.item.id, code: input.item.code, title: input.item.title, kind: input.item.kind, issuedBy: input.item.issuedBy },
      taskId: specs[0]!.id,
      departmentId: specs[0]!.departmentId,
      message: '请尽快办理',
      occurredAt: Date.now(),
    };
    const a = await activities.notify(request);
    const b = await activities.notify(request);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ enqueued: true });
    const jobs = (await h.queues.notifications.getJobs(['waiting', 'prioritized', 'delayed'])).filter(
      (j) => j.data.taskId === specs[0]!.id && j.data.event === 'urged',
    );
    expect(jobs).toHaveLength(1);
    // The workflow's own 'assigned' notification went out once too.
    const assigned = await eventually(
      async () =>
        (await h.queues.notifications.getJobs(['waiting', 'prioritized', 'delayed'])).filter(
          (j) => j.data.taskId === specs[0]!.id && j.data.event === 'assigned',
        ),
      (js) => js.length >= 1,
    );
    expect(assigned).toHaveLength(1);
  });
});
