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
  requestTransferUpdate,
  type ItemWire,
} from '../../../workflows/definitions';
import { engineHarness, eventually, historyHasUpdate, staffOf, supervisor, type EngineHarness } from './engine-harness';

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
});
