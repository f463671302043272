import { WorkflowUpdateFailedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ITEM_KINDS } from '../../../domain';
import { itemEvents, items, tasks } from '../../../db/schema';
import {
  cancelItemUpdate,
  completeUpdate,
  itemStateQuery,
  progressUpdate,
  reviewUpdate,
  signUpdate,
  taskStateQuery,
  decideTransferUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  urgeUpdate,
  type ItemWire,
} from '../../../workflows/definitions';
import { engineHarness, eventually, historyHasUpdate, leader, staffOf, supervisor, type EngineHarness } from './engine-harness';

describe('item and task workflows: the lifecycle', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await engineHarness();
  });
  afterAll(() => h?.close());

  it.each(ITEM_KINDS)('%s: sign → progress → complete → accept; the item completes, then archives', async (kind) => {
    const { handle, specs, taskHandles, itemId } = await h.launch({
      kind,
      tasks: [{}, {}],
      options: { archiveAfterMs: 1_500 },
    });
    const boss = supervisor();
    for (const [i, spec] of specs.entries()) {
      const dept = staffOf(spec.departmentId);
      const th = taskHandles[i]!;
      const signed = await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
      expect(signed.status).toBe('signed');
      const reported = await th.executeUpdate(progressUpdate, { args: [{ actor: dept, text: '已部署', percent: 40 }] });
      expect(reported).toMatchObject({ status: 'in_progress', percent: 40 });
      await th.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '已办结' }] });
      const accepted = await th.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'accept', comment: '同意' }] });
      expect(accepted).toMatchObject({ status: 'accepted', outcome: 'on_time', redEver: false });
    }
    const completed = await eventually(
      () => handle.query(itemStateQuery),
      (s: ItemWire) => s.status === 'completed',
    );
    expect(completed.completedAt).not.toBeNull();
    const archived = (await handle.result()) as ItemWire;
    expect(archived.status).toBe('archived');
    expect(archived.archivedAt).not.toBeNull();
    // The task workflows end with the item.
    for (const th of taskHandles) expect((await th.result()).status).toBe('accepted');

    const row = await eventually(
      () => h.database.db.select().from(items).where(eq(items.id, itemId)),
      (rows) => rows[0]?.status === 'archived',
    );
    expect(row[0]).toMatchObject({ kind, status: 'archived', redEver: false });
    const events = await h.database.db.select().from(itemEvents).where(eq(itemEvents.itemId, itemId));
    const types = events.map((e) => e.type);
    for (const t of ['launched', 'assigned', 'sign', 'progress', 'complete', 'review', 'item_status_changed', 'item_archived']) {
      expect(types).toContain(t);
    }
    const sign = events.find((e) => e.type === 'sign')!;
    expect(sign.actorRole).toBe('department');
  });

  it("a task opens at its workflow's start as history records it (its startedAt, its assigned entry), not at the worker's clock", async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{}] });
    const th = taskHandles[0]!;
    const startedAt = (await eventually(() => th.describe(), () => true)).startTime.getTime();
    const row = await eventually(
      () => h.database.db.select().from(tasks).where(eq(tasks.id, specs[0]!.id)),
      (rows) => rows[0]?.startedAt.getTime() === startedAt,
    );
    expect(row[0]!.startedAt.getTime()).toBe(startedAt);
    const assigned = await eventually(
      () => h.database.db.select().from(itemEvents).where(eq(itemEvents.taskId, specs[0]!.id)),
      (rows) => rows.some((e) => e.type === 'assigned'),
    );
    expect(assigned.find((e) => e.type === 'assigned')!.at.getTime()).toBe(startedAt);
  });

  it('a supervisor returns a completion report with a reason; the department reports again', async () => {
    const { specs, taskHandles, itemId } = await h.launch();
    const dept = staffOf(specs[0]!.departmentId);
    const th = taskHandles[0]!;
    await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    await th.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '已办结' }] });
    const returned = await th.executeUpdate(reviewUpdate, {
      args: [{ actor: supervisor(), decision: 'return', comment: '材料不全，请补充' }],
    });
    expect(returned).toMatchObject({ status: 'in_progress', returnCount: 1, submittedAt: null });
    const entry = await eventually(
      () => h.database.db.select().from(itemEvents).where(eq(itemEvents.itemId, itemId)),
      (rows) => rows.some((r) => r.type === 'review'),
    );
    expect(entry.find((r) => r.type === 'review')).toMatchObject({ reasonCode: 'returned', reasonZh: '材料不全，请补充' });
    const again = await th.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '已补充材料' }] });
    expect(again.status).toBe('submitted');
  });

  it('the item hears of what it rolls up (status, light), not of every report or urge', async () => {
    const { handle, specs, taskHandles } = await h.launch();
    const [spec, th] = [specs[0]!, taskHandles[0]!];
    const dept = staffOf(spec.departmentId);
    await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    const first = await th.executeUpdate(progressUpdate, { args: [{ actor: dept, text: '已部署', percent: 10 }] });
    const told = await eventually(() => handle.query(itemStateQuery), (s) => s.tasks[0]!.status === 'in_progress');
    expect(told.tasks[0]!.version).toBe(first.version);
    await th.executeUpdate(progressUpdate, { args: [{ actor: dept, text: '推进中', percent: 40 }] });
    await th.executeUpdate(urgeUpdate, { args: [{ actor: leader(), message: '请加快进度' }] });
    // The read model has both; the item was not woken for either.
    await eventually(() => h.database.db.select().from(tasks).where(eq(tasks.id, spec.id)), (rows) => rows[0]?.urgeCount === 1 && rows[0]?.percent === 40);
    expect((await handle.query(itemStateQuery)).tasks[0]!.version).toBe(first.version);
    await th.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '已办结' }] });
    const submitted = await eventually(() => handle.query(itemStateQuery), (s) => s.tasks[0]!.status === 'submitted');
    expect(submitted.tasks[0]).toMatchObject({ urgeCount: 1, percent: 40 });
  });

  it('a return is told to whoever submitted the report, and so is the acceptance of the next one', async () => {
    const { specs, taskHandles } = await h.launch();
    const [spec, th] = [specs[0]!, taskHandles[0]!];
    const first = staffOf(spec.departmentId);
    const second = staffOf(spec.departmentId);
    await th.executeUpdate(signUpdate, { args: [{ actor: first }] });
    await th.executeUpdate(completeUpdate, { args: [{ actor: first, summary: '初稿' }] });
    await th.executeUpdate(reviewUpdate, { args: [{ actor: supervisor(), decision: 'return', comment: '请补充' }] });
    await th.executeUpdate(completeUpdate, { args: [{ actor: second, summary: '终稿' }] });
    await th.executeUpdate(reviewUpdate, { args: [{ actor: supervisor(), decision: 'accept', comment: '通过' }] });
    const jobs = await eventually(
      async () => (await h.queues.notifications.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])).filter((j) => j.data.taskId === spec.id),
      (found) => found.some((j) => j.data.event === 'accepted') && found.some((j) => j.data.event === 'returned'),
    );
    expect(jobs.find((j) => j.data.event === 'returned')!.data.requesterUserId).toBe(first.userId);
    expect(jobs.find((j) => j.data.event === 'accepted')!.data.requesterUserId).toBe(second.userId);
  });

  it('an approved transfer closes the old task as transferred and opens one for the chosen department', async () => {
    const { handle, specs, taskHandles } = await h.launch({ tasks: [{ dueInMs: 120_000 }] });
    const dept = staffOf(specs[0]!.departmentId);
    const th = taskHandles[0]!;
    const target = crypto.randomUUID();
    await th.executeUpdate(requestTransferUpdate, { args: [{ actor: dept, reason: '不属于本单位职责', suggestedDepartmentId: target }] });
    const decided = await th.executeUpdate(decideTransferUpdate, { args: [{ actor: supervisor(), approve: true }] });
    expect(decided).toMatchObject({ status: 'transferred', transferredTo: target });
    const item = await eventually(
      () => handle.query(itemStateQuery),
      (s: ItemWire) => s.tasks.length === 2 && s.tasks[1]!.version >= 0,
    );
    const opened = item.tasks[1]!;
    expect(opened).toMatchObject({ departmentId: target, status: 'assigned', role: 'lead', dueAt: decided.dueAt, originalDueAt: decided.originalDueAt });
    expect(item.status).toBe('launched');
    // The new task is a workflow of its own, reachable by its id, and only its department may act on it.
    const newHandle = h.client.workflow.getHandle(`task-${opened.id}`);
    expect((await newHandle.query(taskStateQuery)).departmentId).toBe(target);
    const signed = await newHandle.executeUpdate(signUpdate, { args: [{ actor: staffOf(target) }] });
    expect(signed.status).toBe('signed');
    const row = await eventually(
      () => h.database.db.select().from(tasks).where(eq(tasks.id, opened.id)),
      (rows) => rows[0]?.status === 'signed',
    );
    expect(row[0]!.transferredFrom).toBe(specs[0]!.id);
  });

  it('cancel ends every open task with the reason; only a supervisor may cancel', async () => {
    const { handle, specs, taskHandles } = await h.launch({ tasks: [{}, {}, {}] });
    const dept = staffOf(specs[0]!.departmentId);
    // One task already accepted stays accepted.
    await taskHandles[0]!.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    await taskHandles[0]!.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '完成' }] });
    await taskHandles[0]!.executeUpdate(reviewUpdate, { args: [{ actor: supervisor(), decision: 'accept', comment: '' }] });

    const refused = await handle
      .executeUpdate(cancelItemUpdate, { args: [{ actor: staffOf(specs[1]!.departmentId), reason: '不想办' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'forbidden' });

    const cancelled = await handle.executeUpdate(cancelItemUpdate, { args: [{ actor: supervisor(), reason: '会议决定撤销' }] });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.tasks.map((t) => t.status)).toEqual(['accepted', 'cancelled', 'cancelled']);
    const afterwards = await taskHandles[1]!
      .executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[1]!.departmentId) }] })
      .catch((e: unknown) => e);
    expect((afterwards as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'wrong_state' });
  });

  it('wrong state, wrong department and wrong role are refused before entering history, with a code', async () => {
    const { specs, taskHandles } = await h.launch();
    const th = taskHandles[0]!;
    const own = staffOf(specs[0]!.departmentId);
    const cases = [
      { id: crypto.randomUUID(), code: 'wrong_state', run: (updateId: string) => th.executeUpdate(completeUpdate, { args: [{ actor: own, summary: 'x' }], updateId }) },
      { id: crypto.randomUUID(), code: 'forbidden', run: (updateId: string) => th.executeUpdate(signUpdate, { args: [{ actor: staffOf(crypto.randomUUID()) }], updateId }) },
      { id: crypto.randomUUID(), code: 'forbidden', run: (updateId: string) => th.executeUpdate(signUpdate, { args: [{ actor: supervisor() }], updateId }) },
      { id: crypto.randomUUID(), code: 'wrong_state', run: (updateId: string) => th.executeUpdate(reviewUpdate, { args: [{ actor: supervisor(), decision: 'accept', comment: '' }], updateId }) },
    ];
    for (const c of cases) {
      const error = await c.run(c.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause as unknown as { type: string; details: unknown[]; message: string };
      expect(cause.type).toBe(c.code);
      expect(cause.details[0]).toMatchObject({ code: c.code, messageZh: expect.any(String) });
      expect(await historyHasUpdate(h.client, th, c.id)).toBe(false);
    }
    // An accepted one does enter history.
    const okId = crypto.randomUUID();
    await th.executeUpdate(signUpdate, { args: [{ actor: own }], updateId: okId });
    expect(await historyHasUpdate(h.client, th, okId)).toBe(true);
  });

  it("upserts search attributes, so Temporal's own visibility filters by department, kind, light, status and issuer", async () => {
    const { input, specs, taskHandles, handle } = await h.launch({ kind: 'approval_document', tasks: [{}, {}] });
    await taskHandles[1]!.executeUpdate(signUpdate, { args: [{ actor: staffOf(specs[1]!.departmentId) }] });
    const query = [
      `WorkflowId = '${handle.workflowId}'`,
      `SupervisionDepartments = '${specs[1]!.departmentId}'`,
      `SupervisionKind = 'approval_document'`,
      `SupervisionStatus = 'in_progress'`,
      `SupervisionLight = 'green'`,
      `SupervisionIssuedBy = '${input.item.issuedBy}'`,
    ].join(' AND ');
    const { count } = await eventually(() => h.client.workflow.count(query), (c) => c.count === 1, 15_000);
    expect(count).toBe(1);
  });

  it('the supervision office hears of a report to review and of a request to decide', async () => {
    const { specs, taskHandles } = await h.launch({ tasks: [{}] });
    const [spec, th] = [specs[0]!, taskHandles[0]!];
    const dept = staffOf(spec.departmentId);
    await th.executeUpdate(signUpdate, { args: [{ actor: dept }] });
    await th.executeUpdate(requestExtensionUpdate, { args: [{ actor: dept, reason: '需补充材料', newDueAt: spec.dueAt + 86_400_000 }] });
    await th.executeUpdate(completeUpdate, { args: [{ actor: dept, summary: '已办结' }] });
    const events = await eventually(
      async () => (await h.queues.notifications.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])).filter((j) => j.data.taskId === spec.id),
      (jobs) => jobs.length >= 3,
    );
    expect(events.map((j) => j.data.event).sort()).toEqual(['assigned', 'extension_requested', 'submitted']);
    expect(events.find((j) => j.data.event === 'extension_requested')!.data.message).toBe('需补充材料');
  });
});
