// The workflows' states and timeline entries as read-model rows, and their versioned writes: what the
// projection activities run for a live workflow and what a rebuild runs from the folded histories.
import type { Actor, Instant, ItemState, TaskState } from '../../domain';
import type { Database } from '../client';
import { insertItemEvents, projectTaskRow, pruneUnlessSuperseded, taskRowOf, upsertItemRow, type ItemEventInput, type StreamTailInput } from './items-projection';

/** One timeline entry as the workflows record it (workflows/outbox-contract.ts TimelineEntry). */
export interface TimelineRowSource {
  stream: string;
  seq: number;
  itemId: string;
  taskId: string | null;
  version: number;
  type: string;
  actor: Actor;
  reason: { code: string | null; en: string; zh: string } | null;
  payload: Record<string, unknown>;
  at: Instant;
}

/** Where the workflow's stream stood when it decided the projection (the stream is the workflow id). */
type StreamTail = Omit<StreamTailInput, 'stream' | 'firstSeq'>;

/** The tail as the writes take it: with its stream and the first seq the projection writes. */
function tailOf(workflowId: string, timeline: readonly TimelineRowSource[], tail?: StreamTail): StreamTailInput | undefined {
  return tail && { stream: workflowId, ...tail, firstSeq: timeline.length === 0 ? null : Math.min(...timeline.map((e) => e.seq)) };
}

const date = (ms: Instant | null): Date | null => (ms === null ? null : new Date(ms));

export function itemEventRowOf(e: TimelineRowSource): ItemEventInput {
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

/** Upserts the task row (only forward) and appends its timeline entries, in one statement. */
export function projectTaskState(
  db: Database,
  input: { task: TaskState; workflowId: string; transferredFrom: string | null; timeline: readonly TimelineRowSource[]; tail?: StreamTail },
): Promise<boolean> {
  const { task, workflowId, transferredFrom, timeline, tail } = input;
  return projectTaskRow(db, timeline.map(itemEventRowOf), taskRowOf(task, { workflowId, transferredFrom }), tailOf(workflowId, timeline, tail));
}

/** Upserts the item row (only forward) and appends its timeline entries. */
export function projectItemState(
  db: Database,
  input: { state: ItemState; workflowId: string; launchedAt: Instant; timeline: readonly TimelineRowSource[]; tail?: StreamTail },
): Promise<boolean> {
  const { state: s, workflowId, launchedAt, timeline } = input;
  const { item } = s;
  const tail = tailOf(workflowId, timeline, input.tail);
  return db.transaction(async (tx) => {
    if (tail && (await pruneUnlessSuperseded(tx, tail))) return false;
    await insertItemEvents(tx, timeline.map(itemEventRowOf), tail !== undefined);
    return upsertItemRow(tx, {
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
  });
}
