// Projections that failed for good, as admins see and repair them: the item is re-projected from its
// histories (audit/rebuild.ts, through the very queries the workflows' activities use), which also
// brings back timeline entries whose write failed, and its failure rows are cleared.
import type { Client } from '@temporalio/client';
import type { Database } from '../../../db/client';
import { permanentCause } from '../../../db/permanent-failure';
import { clearProjectionFailures, listProjectionFailures, projectionFailuresOfItem, type ProjectionFailureRow } from '../../../db/queries/projection-failures';
import { loadItemHistories } from '../../../audit/load';
import { rebuildItemFrom } from '../../../audit/rebuild';
import { AppError } from '../../errors';

export interface ProjectionFailureWire {
  workflowId: string;
  kind: 'item' | 'task';
  itemId: string;
  taskId: string | null;
  version: number;
  errorCode: string;
  error: string;
  failures: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

const wireOf = (r: ProjectionFailureRow): ProjectionFailureWire => ({
  ...r,
  firstFailedAt: r.firstFailedAt.toISOString(),
  lastFailedAt: r.lastFailedAt.toISOString(),
});

export async function projectionFailures(db: Database): Promise<ProjectionFailureWire[]> {
  return (await listProjectionFailures(db)).map(wireOf);
}

export interface RepairReport {
  itemId: string;
  tasks: number;
  events: number;
  cleared: number;
}

/** Re-projects the item from its histories; 404 when nothing failed, 409 while the cause is still there. */
export async function repairItemProjection(deps: { client: Client; db: Database }, itemId: string): Promise<RepairReport> {
  if ((await projectionFailuresOfItem(deps.db, itemId)).length === 0) {
    throw new AppError('not_found', 'No failed projection is recorded for this item.', { messageZh: '该事项没有写入失败的记录' });
  }
  let rebuilt;
  try {
    rebuilt = await rebuildItemFrom(deps.db, await loadItemHistories(deps, itemId));
  } catch (error) {
    const cause = permanentCause(error);
    if (!cause) throw error;
    throw new AppError('conflict', `The read model still refuses this item: ${cause.message} (${cause.code}). Fix the cause, then repair again.`, {
      messageZh: `读模型仍拒绝写入该事项（${cause.code}）：请先排除原因再修复`,
    });
  }
  const cleared = await clearProjectionFailures(deps.db, itemId);
  return { itemId, tasks: rebuilt.tasks, events: rebuilt.events, cleared };
}
