// The item workflow's contract: its input, its state, and the Update / Signal / Query definitions
// the API and the task workflows use. Import these, never names.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { toIso } from '../domain';
import type { Actor, Instant, ItemFields, ItemKind, ItemState, ItemStatus, Light, TaskWire } from '../domain';
import type { TaskInput, TaskSpec } from './task-definitions';

export type { ItemFields, ItemState } from '../domain';

export interface ItemOptions {
  /** How long a completed (or cancelled) item stays before it is archived and its workflows end. */
  archiveAfterMs: number;
  /** Template option, passed to every task: urge escalation period (null = never). */
  urgeEscalateAfterMs: number | null;
  /** Continue-as-new once a run's history exceeds this many events (item and tasks alike; launches set api's HAND_OVER_AFTER_EVENTS, tests less). */
  continueAsNewAfterEvents?: number;
}

export interface ItemCarried {
  state: ItemState;
  /** Task ids whose workflow was already started (never start one twice). */
  started: string[];
  recentUpdates: Array<[string, ItemWire]>;
  timelineSeq: number;
}

export interface ItemInput {
  item: ItemFields;
  tasks: TaskSpec[];
  options: ItemOptions;
  /** The supervisor (or leader) who launched it. */
  launchedBy: Actor;
  carried?: ItemCarried;
}

/** The API's Item shape (API.md "Shapes") plus bookkeeping. */
export interface ItemWire {
  id: string;
  code: string;
  kind: ItemKind;
  title: string;
  description: string;
  source: string;
  status: ItemStatus;
  light: Light;
  issuedBy: string;
  dueAt: string;
  public: boolean;
  createdAt: string;
  launchedAt: string;
  completedAt: string | null;
  cancelledAt: string | null;
  archivedAt: string | null;
  redEver: boolean;
  version: number;
  tasks: TaskWire[];
  /** The primary this item is merged into (null: not merged). */
  mergedInto: { id: string; code: string; mergedAt: string; taskIds: string[] } | null;
  /** The items merged into this one. */
  duplicateIds: string[];
}

export function itemToWire(s: ItemState): ItemWire {
  const { item } = s;
  return {
    id: item.id,
    code: item.code,
    kind: item.kind,
    title: item.title,
    description: item.description,
    source: item.source,
    status: s.status,
    light: s.light,
    issuedBy: item.issuedBy,
    dueAt: toIso(item.dueAt),
    public: item.public,
    createdAt: toIso(item.createdAt),
    launchedAt: toIso(s.launchedAt),
    completedAt: toIso(s.completedAt),
    cancelledAt: toIso(s.cancelledAt),
    archivedAt: toIso(s.archivedAt),
    redEver: s.redEver,
    version: s.version,
    tasks: s.tasks,
    mergedInto: s.merged ? { id: s.merged.primaryId, code: s.merged.primaryCode, mergedAt: toIso(s.merged.mergedAt), taskIds: s.merged.taskIds } : null,
    duplicateIds: s.duplicateIds ?? [],
  };
}

// ---- Updates ----

export interface CancelItemArgs {
  actor: Actor;
  reason: string;
}
/** Supervisor only; ends every open task with the reason and returns the item once they are closed. */
export const cancelItemUpdate = defineUpdate<ItemWire, [CancelItemArgs]>('cancel');

export interface AddAssistArgs {
  actor: Actor;
  /** The new task's id (the caller's: a repeated request opens no second task). */
  taskId: string;
  departmentId: string;
  /** Default: the item's due date. */
  dueAt?: Instant;
}
/** Supervisor only: an assisting department joins a running item (the lead changes only by transfer). */
export const addAssistUpdate = defineUpdate<ItemWire, [AddAssistArgs]>('addAssist');

export interface ChangeDeadlineArgs {
  actor: Actor;
  dueAt: Instant;
  reason: string;
}
/** Supervisor only: the whole item's deadline; every open task follows, as an extension the supervisor decided. */
export const changeDeadlineUpdate = defineUpdate<ItemWire, [ChangeDeadlineArgs]>('changeDeadline');

export interface InstructArgs {
  actor: Actor;
  /** The instruction's id (the caller's). */
  id: string;
  text: string;
}
/** Leader or supervisor: a comment or further instruction (批示) the item's departments are told of. */
export const instructUpdate = defineUpdate<ItemWire, [InstructArgs]>('instruct');

export interface SetPublicArgs {
  actor: Actor;
  public: boolean;
  reason?: string;
}
/** Supervisor only: whether the item is disclosed on the public page. */
export const setPublicUpdate = defineUpdate<ItemWire, [SetPublicArgs]>('setPublic');

export interface UpdateSignalArgs {
  actor: Actor;
  subject: string;
  riskLevel: string;
  /** The item's new title and description, worded by domain/intake.ts from the latest signal. */
  title: string;
  description: string;
}
/** The intake only: a repeated signal's newer details (a repeat with the same words changes nothing). */
export const updateSignalUpdate = defineUpdate<ItemWire, [UpdateSignalArgs]>('updateSignal');
export interface MergeItemArgs {
  actor: Actor;
  primaryId: string;
  primaryCode: string;
}
/** Supervisor, or operator for appeals: the duplicate follows the primary; its open tasks close as merged. */
export const mergeItemUpdate = defineUpdate<ItemWire, [MergeItemArgs]>('merge');

export interface UnmergeItemArgs {
  actor: Actor;
  /** A fresh task id for each task the merge cancelled (the caller's: a repeat opens none twice). */
  reopen: Array<{ fromTaskId: string; taskId: string }>;
}
/** Undoes a merge: the status before it, and each cancelled task reopened with its clock resuming. */
export const unmergeItemUpdate = defineUpdate<ItemWire, [UnmergeItemArgs]>('unmerge');

export interface NoteDuplicateArgs {
  actor: Actor;
  duplicateId: string;
  duplicateCode: string;
  merged: boolean;
}
/** The primary's side of a merge or unmerge: its history and its list of duplicates. */
export const noteDuplicateUpdate = defineUpdate<ItemWire, [NoteDuplicateArgs]>('noteDuplicate');

/**
 * Answers once every task workflow of the item has started (so task Updates find them): call it
 * right after starting the item, or with executeUpdateWithStart, before answering the launch.
 */
export const tasksOpenedUpdate = defineUpdate<ItemWire, []>('tasksOpened');

// ---- Signals (task workflows → item) ----

/** A task workflow's new state; with `openTransfer` when an approved transfer needs a new task. */
export interface TaskChangedArgs {
  task: TaskWire;
  openTransfer?: {
    /** The new task, built by the old task from domain's open_transfer_task effect (fresh id, same clocks). */
    spec: TaskInput['task'];
    /** The supervisor who approved the transfer. */
    actor: Actor;
  };
}
export const taskChangedSignal = defineSignal<[TaskChangedArgs]>('taskChanged');

// ---- Queries ----

export const itemStateQuery = defineQuery<ItemWire>('itemState');
