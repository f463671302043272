// Audit against the real Temporal dev server: history in words, replay at points equal to snapshots
// taken during the run, verification, raw export replayable, read-model rebuild, archive + delete.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { archiveTopUpJobId, startArchiveTopUps } from '../../../archive/top-up';
import { fetchItemHistoriesFromTemporal } from '../../../archive/histories';
import { historyFromJSON } from '../../../archive/history-json';
import { rebuildReadModel } from '../../../audit/rebuild';
import { itemHistory, itemStateAt, itemVerification, rawHistories } from '../../../audit/service';
import { useWorkflowBundle } from '../../../audit/verify';
import { departments } from '../../../db/schema/org';
import { itemEvents, items, tasks } from '../../../db/schema/items';
import { archivedHistories } from '../../../db/schema/audit-archive';
import type { TaskWire } from '../../../domain';
import {
  completeUpdate,
  decideExtensionUpdate,
  decideTransferUpdate,
  itemStateQuery,
  progressUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  signUpdate,
  taskStateQuery,
  taskWorkflowId,
  urgeUpdate,
} from '../../../workflows/definitions';
import { engineHarness, eventually, staffOf, supervisor, type EngineHarness } from '../engine/engine-harness';
import { testServices, uniqueName } from '../../support/services';

let h: EngineHarness;
const deps = () => ({ client: h.client, db: h.database.db });

async function department(zh: string, en: string) {
  const [row] = await h.database.db
    .insert(departments)
    .values({ name: uniqueName(zh), nameEn: uniqueName(en) })
    .returning({ id: departments.id, name: departments.name, nameEn: departments.nameEn });
  return row!;
}

async function readModelRows(itemId: string) {
  const strip = <T extends { projectedAt: Date }>(rows: T[]) => rows.map(({ projectedAt: _, ...rest }) => rest);
  const item = strip(await h.database.db.select().from(items).where(eq(items.id, itemId)));
  const taskRows = strip(await h.database.db.select().from(tasks).where(eq(tasks.itemId, itemId))).sort((a, b) => a.id.localeCompare(b.id));
  const events = (await h.database.db.select().from(itemEvents).where(eq(itemEvents.itemId, itemId))).sort((a, b) => a.id.localeCompare(b.id));
  return { item, tasks: taskRows, events };
}

beforeAll(async () => {
  h = await engineHarness();
  useWorkflowBundle(testServices().workflowBundlePath);
}, 60_000);
afterAll(async () => h?.close());

describe('an item driven through its lifecycle (continue-as-new, extension, transfer)', () => {
  let itemId: string;
  let finance: { id: string; name: string; nameEn: string | null };
  let water: { id: string };
  let target: { id: string };
  const snapshots: Array<{ taskId: string; action: string; wire: TaskWire }> = [];
  let transferredTaskId: string;

  beforeAll(async () => {
    finance = await department('财政局', 'Finance Bureau');
    water = await department('水利局', 'Water Bureau');
    target = await department('住建局', 'Housing Bureau');
    const launched = await h.launch({
      tasks: [
        { departmentId: finance.id, dueInMs: 48 * 3_600_000 },
        { departmentId: water.id, dueInMs: 48 * 3_600_000 },
      ],
      options: { continueAsNewAfterEvents: 40 },
    });
    itemId = launched.itemId;
    const [fin, wat] = launched.taskHandles;
    const finStaff = { ...staffOf(finance.id), name: '张三' };
    const boss = { ...supervisor(), name: '李四' };
    const snap = (taskId: string, action: string) => (wire: TaskWire) => {
      snapshots.push({ taskId, action, wire });
      return wire;
    };
    const finId = launched.specs[0]!.id;
    const watId = launched.specs[1]!.id;
    await fin!.executeUpdate(signUpdate, { args: [{ actor: finStaff }] }).then(snap(finId, 'sign'));
    for (let i = 1; i <= 6; i++) {
      await fin!.executeUpdate(progressUpdate, { args: [{ actor: finStaff, text: `第${i}次进展`, percent: i * 10 }] }).then(snap(finId, 'progress'));
    }
    await fin!.executeUpdate(urgeUpdate, { args: [{ actor: boss, message: '请加快进度' }] }).then(snap(finId, 'urge'));
    await fin!
      .executeUpdate(requestExtensionUpdate, { args: [{ actor: finStaff, reason: '需补充材料', newDueAt: Date.now() + 96 * 3_600_000 }] })
      .then(snap(finId, 'extension_request'));
    await fin!.executeUpdate(decideExtensionUpdate, { args: [{ actor: boss, approve: true, comment: '同意' }] }).then(snap(finId, 'extension_decision'));
    await fin!.executeUpdate(completeUpdate, { args: [{ actor: finStaff, summary: '已办结' }] }).then(snap(finId, 'complete'));
    await fin!.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'accept', comment: '通过' }] }).then(snap(finId, 'review'));

    const watStaff = staffOf(water.id);
    await wat!.executeUpdate(signUpdate, { args: [{ actor: watStaff }] }).then(snap(watId, 'sign'));
    await wat!.executeUpdate(requestTransferUpdate, { args: [{ actor: watStaff, reason: '不属于本单位职责', suggestedDepartmentId: target.id }] });
    await wat!.executeUpdate(decideTransferUpdate, { args: [{ actor: boss, approve: true }] }).then(snap(watId, 'transfer_decision'));
    const withNew = await eventually(
      () => launched.handle.query(itemStateQuery),
      (s) => s.tasks.length === 3,
    );
    transferredTaskId = withNew.tasks[2]!.id;
    const moved = h.client.workflow.getHandle(taskWorkflowId(transferredTaskId));
    const targetStaff = staffOf(target.id);
    await eventually(
      () => moved.query(taskStateQuery),
      (t) => t.status === 'assigned',
    );
    await moved.executeUpdate(signUpdate, { args: [{ actor: targetStaff }] }).then(snap(transferredTaskId, 'sign'));
    await moved.executeUpdate(completeUpdate, { args: [{ actor: targetStaff, summary: '完成' }] });
    await moved.executeUpdate(reviewUpdate, { args: [{ actor: boss, decision: 'accept', comment: '' }] }).then(snap(transferredTaskId, 'review'));
    await eventually(
      () => launched.handle.query(itemStateQuery),
      (s) => s.status === 'completed',
    );
  }, 120_000);

  it('lists every event of the item and its tasks (all runs) in time order, in Chinese and in English', async () => {
    const zh = await itemHistory(deps(), itemId, 'zh');
    const en = await itemHistory(deps(), itemId, 'en', { raw: true });
    expect(zh.source).toBe('temporal');
    // continue-as-new happened: some workflow has more than one run
    expect(zh.workflows.some((w) => w.runs.length > 1)).toBe(true);
    expect(zh.workflows.map((w) => w.workflowId)).toContain(taskWorkflowId(transferredTaskId));
    const times = zh.events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const signZh = zh.events.find((e) => e.action === 'sign' && e.departmentId === finance.id)!;
    expect(signZh.text).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} ${finance.name}（张三）签收$`));
    const signEn = en.events.find((e) => e.action === 'sign' && e.departmentId === finance.id)!;
    expect(signEn.text).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} ${finance.nameEn} \\(张三\\) signed for receipt$`));
    expect(signEn.eventType).toBe('WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    expect(signEn.payload).toEqual([{ actor: expect.objectContaining({ name: '张三', departmentId: finance.id }) }]);
    expect(zh.events.filter((e) => e.action === 'progress' && e.departmentId === finance.id)).toHaveLength(6);
    expect(zh.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['launched', 'assigned', 'urge', 'extension_request', 'extension_decision', 'transfer_request', 'transfer_decision', 'task_transferred', 'opened_by_transfer', 'review', 'item_status_changed']),
    );
    expect(en.events.find((e) => e.action === 'urge')!.text).toContain('Supervision Office (李四) urged: 请加快进度');
    expect(zh.events.filter((e) => e.action === 'item_status_changed').map((e) => e.text.slice(17))).toEqual(['事项办理中', '事项已办结']);
  });

  it('replays the state at the last event equal to the workflows, and at intermediate points equal to snapshots', async () => {
    const view = await itemHistory(deps(), itemId, 'en');
    const last = view.events[view.events.length - 1]!;
    const now = await itemStateAt(deps(), itemId, new Date(Date.now() + 1000).toISOString());
    const live = await h.client.workflow.getHandle(`item-${itemId}`).query(itemStateQuery);
    expect(now.item).toEqual(live);
    for (const t of now.tasks) {
      expect(t).toEqual(await h.client.workflow.getHandle(taskWorkflowId(t.id)).query(taskStateQuery));
    }
    expect(last.ref).toBeTruthy();

    // Each snapshot is the result of an Update: replay at that Update's event gives the same task.
    const byAction = view.events.filter((e) => e.scope === 'task' && e.actor && e.actor.role !== 'system');
    // Snapshots per task, in order, line up with that task's Update events in order.
    for (const taskId of new Set(snapshots.map((s) => s.taskId))) {
      const mine = snapshots.filter((s) => s.taskId === taskId);
      const events = byAction.filter((e) => e.taskId === taskId && e.eventType === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
      for (const s of mine) {
        const e = events.find((x) => x.action === s.action && !('used' in x));
        expect(e).toBeTruthy();
        Object.assign(e!, { used: true });
        const replayed = await itemStateAt(deps(), itemId, e!.ref);
        expect(replayed.tasks.find((t) => t.id === taskId), `${s.action} at ${e!.ref}`).toEqual(s.wire);
      }
    }
  });

  it('verifies: today\'s code replays every run, the fold matches what the workflows recorded, the read model agrees', async () => {
    const report = await eventually(
      () => itemVerification(deps(), itemId),
      (r) => r.readModel.ok,
    );
    expect(report.replay.ok).toBe(true);
    expect(report.replay.details.length).toBeGreaterThan(3);
    expect(report.replay.fold).toEqual({ ok: true, problems: [] });
    expect(report.readModel).toEqual({ ok: true, differences: [] });

    // A tampered row is named.
    await h.database.db.update(tasks).set({ light: 'red' }).where(eq(tasks.workflowId, taskWorkflowId(snapshots[0]!.taskId)));
    const tampered = await itemVerification(deps(), itemId);
    expect(tampered.readModel.ok).toBe(false);
    expect(tampered.readModel.differences).toContainEqual(expect.objectContaining({ table: 'tasks', id: snapshots[0]!.taskId, field: 'light', readModel: 'red' }));
    await rebuildReadModel(deps(), { itemIds: [itemId] }); // version is equal: a rebuild does not overwrite…
    await h.database.db.update(tasks).set({ light: 'green' }).where(eq(tasks.workflowId, taskWorkflowId(snapshots[0]!.taskId)));
  });

  it('exports raw histories in Temporal\'s own JSON format, which the replayer accepts', async () => {
    const raw = await rawHistories(deps(), itemId);
    expect(raw.workflows.length).toBeGreaterThan(3);
    const json = JSON.parse(JSON.stringify(raw)) as typeof raw;
    for (const w of json.workflows) {
      await Worker.runReplayHistory({ workflowBundle: { codePath: testServices().workflowBundlePath } }, historyFromJSON(w.history), w.workflowId);
    }
  });

  it('rebuilds truncated read-model rows to an identical state', async () => {
    const before = await readModelRows(itemId);
    expect(before.item).toHaveLength(1);
    expect(before.tasks).toHaveLength(3);
    await h.database.db.delete(itemEvents).where(eq(itemEvents.itemId, itemId));
    await h.database.db.delete(tasks).where(eq(tasks.itemId, itemId));
    await h.database.db.delete(items).where(eq(items.id, itemId));
    const progress: number[] = [];
    const report = await rebuildReadModel(deps(), { itemIds: [itemId], onProgress: (p) => progress.push(p.done) });
    expect(report.failed).toEqual([]);
    expect(progress).toEqual([1]);
    expect(await readModelRows(itemId)).toEqual(before);
  });
});

describe('lights changed by timers', () => {
  it('says when the due date passed and the light turned red, and replays it', async () => {
    const dept = await department('教育局', 'Education Bureau');
    const launched = await h.launch({ tasks: [{ departmentId: dept.id, dueInMs: 3_000, policy: { warnBeforeMs: 1_500 } }] });
    const [t] = launched.taskHandles;
    await eventually(
      () => t!.query(taskStateQuery),
      (s) => s.light === 'red',
      20_000,
    );
    const en = await itemHistory(deps(), launched.itemId, 'en');
    const zh = await itemHistory(deps(), launched.itemId, 'zh');
    const lightsEn = en.events.filter((e) => e.action === 'light_changed').map((e) => e.text.slice(17));
    expect(lightsEn[lightsEn.length - 1]).toBe(`due date passed — light turned red (${dept.nameEn})`);
    expect(lightsEn[0]).toMatch(/light turned yellow/);
    const red = zh.events.find((e) => e.action === 'light_changed' && e.text.endsWith('亮红灯'))!;
    expect(red.text).toBe(`${red.localTime} ${dept.name}：已超过办理期限，亮红灯`);
    expect(red.eventType).toBe('TIMER_FIRED');
    expect(red.actor).toMatchObject({ role: 'system' });

    const replayed = await itemStateAt(deps(), launched.itemId, red.ref);
    expect(replayed.tasks[0]).toEqual(await t!.query(taskStateQuery));
    const report = await eventually(
      () => itemVerification(deps(), launched.itemId),
      (r) => r.readModel.ok,
    );
    expect(report.replay.ok).toBe(true);
    expect(report.replay.fold.ok).toBe(true);
  });
});

describe('an archived item whose workflows are deleted from Temporal', () => {
  it('answers history, replay, verification and raw export from the archive exactly as before', async () => {
    const dept = await department('审计局', 'Audit Bureau');
    const launched = await h.launch({ tasks: [{ departmentId: dept.id }], options: { archiveAfterMs: 300 } });
    const staff = staffOf(dept.id);
    const [t] = launched.taskHandles;
    await t!.executeUpdate(signUpdate, { args: [{ actor: staff }] });
    await t!.executeUpdate(completeUpdate, { args: [{ actor: staff, summary: '完成' }] });
    await t!.executeUpdate(reviewUpdate, { args: [{ actor: supervisor(), decision: 'accept', comment: '' }] });
    await launched.handle.result();
    await t!.result();
    const itemId = launched.itemId;

    // The item workflow archived its histories itself as it ended (activity archiveItemHistories)…
    const archivedRows = () => h.database.db.select().from(archivedHistories).where(eq(archivedHistories.itemId, itemId));
    const byWorkflow = await archivedRows();
    expect(byWorkflow.map((r) => r.workflowKind).sort()).toEqual(['item', 'task']);
    // …so its own run stops short of the workflow's close; the queued top-up completes it.
    const itemRunEvents = (await launched.handle.fetchHistory()).events!.length;
    expect(byWorkflow.find((r) => r.workflowKind === 'item')!.eventCount).toBeLessThan(itemRunEvents);
    const topUp = await h.queues.archiveTopUps.getJob(archiveTopUpJobId(itemId));
    expect(topUp, 'the archive activity queued a top-up').toBeDefined();
    const topUps = startArchiveTopUps({ config: h.config, db: h.database.db, client: h.client });
    try {
      await topUp!.promote(); // instead of waiting out its delay
      const toppedUp = await eventually(archivedRows, (rows) => rows.find((r) => r.workflowKind === 'item')?.eventCount === itemRunEvents, 30_000);
      expect(toppedUp).toHaveLength(2);
    } finally {
      await topUps.close();
    }
    const historyBefore = await itemHistory(deps(), itemId, 'zh');
    const stateBefore = await itemStateAt(deps(), itemId, historyBefore.events[3]!.ref);
    const rawBefore = await rawHistories(deps(), itemId);
    expect(historyBefore.events.map((e) => e.action)).toContain('item_archived');

    for (const workflowId of [launched.handle.workflowId, t!.workflowId]) {
      await h.client.workflowService.deleteWorkflowExecution({ namespace: h.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId } });
    }
    await eventually(
      () => fetchItemHistoriesFromTemporal(h.client, itemId).catch(() => 'error'),
      (v) => v === null,
      // The dev server deletes asynchronously (a deletion task), often ~20 s later.
      90_000,
      500,
    );

    const history = await itemHistory(deps(), itemId, 'zh');
    expect(history.source).toBe('archive');
    expect(history.events).toEqual(historyBefore.events);
    const state = await itemStateAt(deps(), itemId, historyBefore.events[3]!.ref);
    expect({ ...state, source: 'temporal' }).toEqual(stateBefore);
    const raw = await rawHistories(deps(), itemId);
    expect(raw.workflows).toEqual(rawBefore.workflows);
    const report = await itemVerification(deps(), itemId);
    expect(report.source).toBe('archive');
    expect(report.replay.ok).toBe(true);
    expect(report.readModel).toEqual({ ok: true, differences: [] });

    // Tampering with the archive is detected by its hash.
    const rows = await h.database.db.select().from(archivedHistories).where(eq(archivedHistories.itemId, itemId));
    expect(rows).toHaveLength(2);
    await h.database.db
      .update(archivedHistories)
      .set({ sha256: '0'.repeat(64) })
      .where(and(eq(archivedHistories.itemId, itemId), inArray(archivedHistories.runId, [rows[0]!.runId])));
    await expect(itemHistory(deps(), itemId, 'zh')).rejects.toThrow(/sha256/);
  }, 150_000);

  it('says clearly when an item is unknown', async () => {
    await expect(itemHistory(deps(), randomUUID(), 'zh')).rejects.toThrow(/no item/);
  });
});
