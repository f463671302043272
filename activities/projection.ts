// Projection of workflow state to the Postgres read model. Idempotent and versioned: calling any of
// these again with the same or an older version changes nothing.
import type { Instant } from '../domain';
import type { Database } from '../db/client';
import { insertItemEvents, projectTaskRow, taskRowOf, upsertItemRow, type ItemEventInput } from '../db/queries/items-projection';
import type { ProjectItemInput, ProjectTaskInput, Projected, TimelineEntry } from '../workflows/outbox-contract';

const date = (ms: Instant | null): Date | null => (ms === null ? null : new Date(ms));

function eventRow(e: TimelineEntry): ItemEventInput {
  return {
    id: `${e.stream}#${e.seq}`,
    itemId: e.itemId,
    taskId: e.taskId,
    stream: e.stream,
    seq: e.seq,
    version: e.version,
    type: e.type,
    actorUserId: e.actor.userId,
    actorName: e.actor.name,
    actorRole: e.actor.role,
    actorDepartmentId: e.actor.departmentId,
    reasonCode: e.reason?.code ?? null,
    reasonEn: e.reason?.en ?? null,
    reasonZh: e.reason?.zh ?? null,
    payload: e.payload,
    at: new Date(e.at),
  };
}

export function createProjectionActivities(db: Database) {
  return {
    /** Upserts the task row (only forward) and appends its timeline entries, in one statement. */
    async projectTask(input: ProjectTaskInput): Promise<Projected<ProjectTaskInput>> {
      const { task: s, workflowId, transferredFrom, timeline } = input;
      const written = await projectTaskRow(db, timeline.map(eventRow), taskRowOf(s, { workflowId, transferredFrom }));
      return { written, projected: input };
    },

    /** Upserts the item row (only forward) and appends its timeline entries. */
    async projectItem(input: ProjectItemInput): Promise<Projected<ProjectItemInput>> {
      const { state: s, workflowId, launchedAt, timeline } = input;
      const { item } = s;
      return db.transaction(async (tx) => {
        await insertItemEvents(tx, timeline.map(eventRow));
        const written = await upsertItemRow(tx, {
          id: item.id,
          code: item.code,
          kind: item.kind,
          title: item.title,
          description: item.description,
          source: item.source,
          status: s.status,
          light: s.light,
          issuedBy: item.issuedBy,
          dueAt: new Date(item.dueAt),
          public: item.public,
          createdAt: new Date(item.createdAt),
          launchedAt: new Date(launchedAt),
          completedAt: date(s.completedAt),
          cancelledAt: date(s.cancelledAt),
          archivedAt: date(s.archivedAt),
          redEver: s.redEver,
          departmentIds: [...new Set(s.tasks.map((t) => t.departmentId))],
          workflowId,
          version: s.version,
          projectedAt: new Date(),
        });
        return { written, projected: input };
      });
    },

    /** Appends timeline entries that change no row (e.g. urge escalation steps). */
    async appendTimeline(entries: TimelineEntry[]): Promise<{ inserted: number }> {
      return { inserted: await insertItemEvents(db, entries.map(eventRow)) };
    },
  };
}
