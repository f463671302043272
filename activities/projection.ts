// Projection of workflow state to the Postgres read model. Idempotent and versioned: calling any of
// these again with the same or an older version changes nothing.
import type { Actor, Instant, TaskState } from '../domain';
import type { Database } from '../db/client';
import { insertItemEvents, projectTaskRow, taskRowOf, upsertItemRow, type ItemEventInput } from '../db/queries/items-projection';
import type { ItemState } from '../workflows/item-definitions';

/** One recorded event of a task or item, with its actor and reason in plain words. */
export interface TimelineEntry {
  /** The emitting workflow id; (stream, seq) is unique. */
  stream: string;
  seq: number;
  itemId: string;
  taskId: string | null;
  /** State version right after the event. */
  version: number;
  type: string;
  actor: Actor;
  reason: { code: string | null; en: string; zh: string } | null;
  payload: Record<string, unknown>;
  at: Instant;
}

export interface ProjectTaskInput {
  task: TaskState;
  workflowId: string;
  transferredFrom: string | null;
  timeline: TimelineEntry[];
}

export interface ProjectItemInput {
  state: ItemState;
  workflowId: string;
  launchedAt: Instant;
  timeline: TimelineEntry[];
}

/**
 * A projection's answer carries what it projected. The workflows run these as local activities, whose
 * input Temporal does not record, only their result: this is how the history keeps each state and
 * timeline the workflow recorded, for audit replay and rebuilds (audit/decode.ts reads it back).
 */
export interface Projected<I> {
  written: boolean;
  projected: I;
}

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
