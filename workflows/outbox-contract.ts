// The contract between the workflows' outboxes and the activities that carry them out: what a
// projection, a notification, telling the item and archiving take and answer. Types only; the
// activities (activities/) implement them, audit replay (audit/) reads them back from history.
import type { Actor, Instant, ItemState, LightReason, NotifyKind, TaskState } from '../domain';
import type { TaskChangedArgs } from './item-definitions';
import type { ItemRef } from './task-definitions';

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

/**
 * Where the workflow's stream stood when it decided a projection: its last sequence number and the
 * workflow time of that decision. An entry of the stream above that number, written before that time,
 * was written by a lost workflow task (its worker died after the projection and before Temporal recorded
 * the task): the run that replaced it recorded something else, and the projection removes it.
 * An entry written by a later decision is newer than the time and stays, however late a stale write lands;
 * and a stale write that finds such an entry at or past its own first seq (a workflow task that timed out
 * while its worker still ran it, landing after its retry) writes nothing at all.
 */
export interface StreamTail {
  seq: number;
  decidedAt: Instant;
}

export interface ProjectTaskInput {
  task: TaskState;
  workflowId: string;
  transferredFrom: string | null;
  timeline: TimelineEntry[];
  /** Absent in histories recorded before it, and in a rebuild (which writes the whole stream). */
  tail?: StreamTail;
}

export interface ProjectItemInput {
  state: ItemState;
  workflowId: string;
  launchedAt: Instant;
  timeline: TimelineEntry[];
  /** As ProjectTaskInput's. */
  tail?: StreamTail;
}

/**
 * A projection's answer carries what it projected. The workflows run these as local activities, whose
 * input Temporal does not record, only their result: this is how the history keeps each state and
 * timeline the workflow recorded, for audit replay and rebuilds (audit/decode.ts reads it back).
 */
export interface Projected<I> {
  written: boolean;
  projected: I;
  /**
   * Set when the write failed for a reason no retry cures: recorded in projection_failures, and the
   * workflow goes on (its timers, notifications and item are never held up by it) until an admin
   * repairs the item from its histories.
   */
  failed?: { code: string; message: string };
}

export interface NotifyInput {
  /** Dedupe key parts: the emitting workflow and the event (state version, urge number…). */
  workflowId: string;
  eventRef: string | number;
  /** Tells apart several notifications of one event (e.g. the kind). */
  suffix?: string;
  event: NotifyKind | 'urge_escalated' | 'instruction';
  item: ItemRef;
  taskId?: string;
  departmentId?: string;
  requesterUserId?: string;
  /** The task's named person (承办人), who hears of it besides the department. */
  assigneeUserId?: string;
  reason?: LightReason;
  message?: string;
  escalationLevel?: 'department_leader' | 'supervision_office';
  occurredAt: Instant;
}

export type NotifyResult = { enqueued: true; jobId: string } | { enqueued: false; why: string };

export interface TellItemInput {
  itemWorkflowId: string;
  change: TaskChangedArgs;
}

export interface ArchiveItemHistoriesInput {
  itemId: string;
}

export interface ArchiveResult {
  itemId: string;
  runs: number;
  /** Runs written now (new, or longer than the copy already archived). */
  written: number;
}

/** The activities the workflows call, as they call them (the worker registers their implementations). */
export interface OutboxActivities {
  projectTask(input: ProjectTaskInput): Promise<Projected<ProjectTaskInput>>;
  projectItem(input: ProjectItemInput): Promise<Projected<ProjectItemInput>>;
  appendTimeline(entries: TimelineEntry[]): Promise<{ inserted: number }>;
  notify(input: NotifyInput): Promise<NotifyResult>;
  tellItem(input: TellItemInput): Promise<{ told: boolean }>;
  archiveItemHistories(input: ArchiveItemHistoriesInput): Promise<ArchiveResult>;
}
