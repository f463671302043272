// Rebuilds the read model (items, tasks, item_events) from the histories alone: rows from the states
// folded through domain/, timeline rows from what the workflows recorded, both written by the very
// projection queries the workflows' activities use (idempotent, versioned).
import type { Client } from '@temporalio/client';
import type { Database } from '../db/client';
import { projectItemState, projectTaskState } from '../db/queries/projection-rows';
import { archivedItemIds } from '../archive/store';
import type { ItemHistories } from '../archive/histories';
import { loadItemHistories } from './load';
import { foldItemHistories } from './replay';

export interface RebuiltItem {
  itemId: string;
  tasks: number;
  events: number;
  source: ItemHistories['source'];
}

export async function rebuildItemFrom(db: Database, histories: ItemHistories): Promise<RebuiltItem> {
  const folds = foldItemHistories(histories);
  let events = 0;
  let taskCount = 0;
  for (const t of folds.tasks) {
    if (!t.state) continue;
    await projectTaskState(db, { task: t.state, workflowId: t.workflowId, transferredFrom: t.input?.fromTaskId ?? null, timeline: t.timeline });
    events += t.timeline.length;
    taskCount += 1;
  }
  const item = folds.item.state;
  if (item) {
    await projectItemState(db, { state: item, workflowId: folds.item.workflowId, launchedAt: item.launchedAt, timeline: folds.item.timeline });
    events += folds.item.timeline.length;
  }
  return { itemId: histories.itemId, tasks: taskCount, events, source: histories.source };
}

const ITEM_PREFIX = 'item-';

/** Every item Temporal's visibility knows (open and closed, any run) plus every archived one. */
export async function allItemIds(client: Client, db: Database): Promise<string[]> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'item'` })) {
    if (wf.workflowId.startsWith(ITEM_PREFIX)) ids.add(wf.workflowId.slice(ITEM_PREFIX.length));
  }
  for (const id of await archivedItemIds(db)) ids.add(id);
  return [...ids];
}

export interface RebuildProgress {
  done: number;
  total: number;
  itemId: string;
}

export interface RebuildReport {
  items: RebuiltItem[];
  failed: Array<{ itemId: string; error: string }>;
}

/** Rebuilds the given items (default: all of them), reporting progress after each. */
export async function rebuildReadModel(
  deps: { client: Client; db: Database },
  options: { itemIds?: string[]; onProgress?: (p: RebuildProgress) => void } = {},
): Promise<RebuildReport> {
  const ids = options.itemIds ?? (await allItemIds(deps.client, deps.db));
  const report: RebuildReport = { items: [], failed: [] };
  let done = 0;
  for (const itemId of ids) {
    try {
      report.items.push(await rebuildItemFrom(deps.db, await loadItemHistories(deps, itemId)));
    } catch (error) {
      report.failed.push({ itemId, error: error instanceof Error ? error.message : String(error) });
    }
    done += 1;
    options.onProgress?.({ done, total: ids.length, itemId });
  }
  return report;
}
