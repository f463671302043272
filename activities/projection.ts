// Projection of workflow state to the Postgres read model. Idempotent and versioned: calling any of
// these again with the same or an older version changes nothing (db/queries/projection-rows.ts).
// A write that fails for a reason retrying cannot cure is recorded and answered, not retried forever:
// one poisoned row must not hold up the workflow's other work (see permanent-failure.ts).
import { log } from '@temporalio/activity';
import type { Database } from '../db/client';
import { insertItemEvents } from '../db/queries/items-projection';
import { recordProjectionFailure, type NewProjectionFailure } from '../db/queries/projection-failures';
import { itemEventRowOf, projectItemState, projectTaskState } from '../db/queries/projection-rows';
import type { ProjectItemInput, ProjectTaskInput, Projected, TimelineEntry } from '../workflows/outbox-contract';
import { permanentCause } from '../db/permanent-failure';
import type { Queues } from '../jobs/queues';
import { queueSignalResult, signalResultDue } from './signal-result';

type Whose = Pick<NewProjectionFailure, 'workflowId' | 'kind' | 'itemId' | 'taskId' | 'version'>;

async function projectOrRecord<I>(db: Database, input: I, whose: Whose, write: () => Promise<boolean>): Promise<Projected<I>> {
  try {
    return { written: await write(), projected: input };
  } catch (error) {
    const cause = permanentCause(error);
    if (!cause) throw error; // an outage: retried until it ends
    await recordProjectionFailure(db, { ...whose, errorCode: cause.code, error: cause.message });
    log.error('projection failed for good; recorded for repair', { workflowId: whose.workflowId, code: cause.code, error: cause.message });
    return { written: false, projected: input, failed: cause };
  }
}

export function createProjectionActivities(db: Database, queues: Pick<Queues, 'notifications'>) {
  return {
    /** Upserts the task row (only forward) and appends its timeline entries, in one statement. */
    projectTask(input: ProjectTaskInput): Promise<Projected<ProjectTaskInput>> {
      const { task } = input;
      const whose: Whose = { workflowId: input.workflowId, kind: 'task', itemId: task.itemId, taskId: task.id, version: task.version };
      return projectOrRecord(db, input, whose, () => projectTaskState(db, input));
    },

    /** Upserts the item row (only forward) and appends its timeline entries. */
    async projectItem(input: ProjectItemInput): Promise<Projected<ProjectItemInput>> {
      const { state } = input;
      const whose: Whose = { workflowId: input.workflowId, kind: 'item', itemId: state.item.id, taskId: null, version: state.version };
      const projected = await projectOrRecord(db, input, whose, () => projectItemState(db, input));
      // A completed early-warning verification sends its result back to the source (an outage: retried).
      if (signalResultDue(state)) await queueSignalResult(db, queues, state.item.id);
      return projected;
    },

    /** Appends timeline entries that change no row (e.g. urge escalation steps). */
    async appendTimeline(entries: TimelineEntry[]): Promise<{ inserted: number }> {
      return { inserted: await insertItemEvents(db, entries.map(itemEventRowOf), true) };
    },
  };
}
