// Closed items' histories in Postgres: gzip of Temporal's own JSON format, with a sha256 of the JSON,
// so every audit function works the same once Temporal's retention has dropped the workflows.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { asc, eq, sql } from 'drizzle-orm';
import { historyFromJSON, historyToJSON } from './history-json';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/client';
import type { ArchiveResult } from '../workflows/outbox-contract';
import { archivedHistories } from '../db/schema/audit-archive';
import { eventsOf, fetchItemHistoriesFromTemporal, ItemNotFoundError, type ItemHistories } from './histories';

export type { ArchiveResult } from '../workflows/outbox-contract';

/** Archives the given runs; a run already archived is only replaced by a longer copy of itself. */
export async function storeHistories(db: Executor, histories: ItemHistories): Promise<ArchiveResult> {
  let written = 0;
  for (const run of histories.runs) {
    const json = historyToJSON(run.history);
    const row = {
      workflowId: run.workflowId,
      runId: run.runId,
      itemId: histories.itemId,
      workflowKind: run.kind,
      runIndex: run.runIndex,
      eventCount: eventsOf(run.history).length,
      historyGzip: gzipSync(json),
      sha256: createHash('sha256').update(json).digest('hex'),
      archivedAt: new Date(),
    };
    const done = await db
      .insert(archivedHistories)
      .values(row)
      .onConflictDoUpdate({
        target: [archivedHistories.workflowId, archivedHistories.runId],
        set: { eventCount: row.eventCount, historyGzip: row.historyGzip, sha256: row.sha256, archivedAt: row.archivedAt },
        setWhere: sql`${archivedHistories.eventCount} < excluded.event_count`,
      })
      .returning({ runId: archivedHistories.runId });
    written += done.length;
  }
  return { itemId: histories.itemId, runs: histories.runs.length, written };
}

/** Fetches the item's histories from Temporal and archives them. */
export async function archiveItem(client: Client, db: Executor, itemId: string): Promise<ArchiveResult> {
  const histories = await fetchItemHistoriesFromTemporal(client, itemId);
  if (!histories) throw new ItemNotFoundError(itemId);
  return storeHistories(db, histories);
}

export class ArchiveIntegrityError extends Error {
  override name = 'ArchiveIntegrityError';
}

/** The archived runs of an item (null when none), each checked against its content hash. */
export async function loadArchivedHistories(db: Executor, itemId: string): Promise<ItemHistories | null> {
  const rows = await db
    .select()
    .from(archivedHistories)
    .where(eq(archivedHistories.itemId, itemId))
    .orderBy(sql`case when ${archivedHistories.workflowKind} = 'item' then 0 else 1 end`, asc(archivedHistories.workflowId), asc(archivedHistories.runIndex));
  if (rows.length === 0) return null;
  const runs = rows.map((r) => {
    const json = gunzipSync(r.historyGzip).toString('utf8');
    const hash = createHash('sha256').update(json).digest('hex');
    if (hash !== r.sha256) throw new ArchiveIntegrityError(`archived history of ${r.workflowId} run ${r.runId} does not match its sha256`);
    return { workflowId: r.workflowId, runId: r.runId, kind: r.workflowKind as 'item' | 'task', runIndex: r.runIndex, history: historyFromJSON(JSON.parse(json)) };
  });
  // Task workflows in the order the item started them (ids sort differently).
  const order = new Map<string, number>();
  for (const run of runs.filter((r) => r.kind === 'item')) {
    for (const e of eventsOf(run.history)) {
      const id = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (id && !order.has(id)) order.set(id, order.size);
    }
  }
  runs.sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'item' ? -1 : 1;
    const oa = order.get(a.workflowId) ?? Number.MAX_SAFE_INTEGER;
    const ob = order.get(b.workflowId) ?? Number.MAX_SAFE_INTEGER;
    return oa - ob || a.workflowId.localeCompare(b.workflowId) || a.runIndex - b.runIndex;
  });
  return { itemId, source: 'archive', runs };
}

/** Item ids with archived histories (for a full rebuild after the workflows are gone). */
export async function archivedItemIds(db: Executor): Promise<string[]> {
  const rows = await db.selectDistinct({ itemId: archivedHistories.itemId }).from(archivedHistories);
  return rows.map((r) => r.itemId);
}

/**
 * The sweep: archives every closed item workflow Temporal's visibility lists (idempotent; a run
 * already archived is only replaced by a longer copy). For items closed before the archive activity.
 */
export async function archiveClosedItems(
  client: Client,
  db: Executor,
  onProgress?: (p: { done: number; total: number; itemId: string }) => void,
): Promise<ArchiveResult[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'item' AND ExecutionStatus != 'Running'` })) {
    const id = wf.workflowId.replace(/^item-/, '');
    if (!ids.includes(id)) ids.push(id);
  }
  const results: ArchiveResult[] = [];
  for (const [i, itemId] of ids.entries()) {
    try {
      results.push(await archiveItem(client, db, itemId));
    } catch (error) {
      if (!(error instanceof ItemNotFoundError)) throw error;
    }
    onProgress?.({ done: i + 1, total: ids.length, itemId });
  }
  return results;
}
