// Projection of workflow state to the Postgres read model. Idempotent and versioned: calling any of
// these again with the same or an older version changes nothing (db/queries/projection-rows.ts).
import type { Database } from '../db/client';
import { insertItemEvents } from '../db/queries/items-projection';
import { itemEventRowOf, projectItemState, projectTaskState } from '../db/queries/projection-rows';
import type { ProjectItemInput, ProjectTaskInput, Projected, TimelineEntry } from '../workflows/outbox-contract';

export function createProjectionActivities(db: Database) {
  return {
    /** Upserts the task row (only forward) and appends its timeline entries, in one statement. */
    async projectTask(input: ProjectTaskInput): Promise<Projected<ProjectTaskInput>> {
      return { written: await projectTaskState(db, input), projected: input };
    },

    /** Upserts the item row (only forward) and appends its timeline entries. */
    async projectItem(input: ProjectItemInput): Promise<Projected<ProjectItemInput>> {
      return { written: await projectItemState(db, input), projected: input };
    },

    /** Appends timeline entries that change no row (e.g. urge escalation steps). */
    async appendTimeline(entries: TimelineEntry[]): Promise<{ inserted: number }> {
      return { inserted: await insertItemEvents(db, entries.map(itemEventRowOf)) };
    },
  };
}
