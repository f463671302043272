// The task workflow's contract: its input, what it carries across continue-as-new, and every
// Update / Signal / Query the API (and the item workflow) may send it. Import these, never names.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, DeadlinePolicy, Instant, ItemKind, TaskRole, TaskState, TaskWire } from '../domain';

/** A department task to open, with deadlines already resolved (working days computed before launch). */
export interface TaskSpec {
  id: string;
  departmentId: string;
  role: TaskRole;
  dueAt: Instant;
  /** Default: dueAt − policy.warnBeforeMs. */
  warnAt?: Instant;
  /** Default: start + policy.signWithinMs. */
  signDueAt?: Instant;
  policy: DeadlinePolicy;
}

/** What a task needs to know about its item (notifications name it; the item is signalled back). */
export interface ItemRef {
  id: string;
  code: string;
  title: string;
  kind: ItemKind;
  /** User id of the issuing leader (told of red lights). */
  issuedBy: string;
}

export interface TaskOptions {
  /** After an urge with no department action for this long: tell the department leader, then as long again: the supervision office. null = never. */
  urgeEscalateAfterMs: number | null;
  /** Continue-as-new once a run's history exceeds this many events (from the item's options; Temporal's own suggestion always applies). */
  continueAsNewAfterEvents?: number;
}

/** Urge escalation in progress: the next step falls due at `nextAt`. */
export interface UrgeEscalation {
  /** Which urge (urgeCount at the time) this escalation belongs to; keys its notifications. */
  urge: number;
  urgedAt: Instant;
  /** 0: nobody told yet; 1: department leader told; 2: supervision office told (done). */
  level: 0 | 1;
  nextAt: Instant;
}

/** Carried from one run to the next by continue-as-new. */
export interface TaskCarried {
  state: TaskState;
  /** Recent Update ids → the result they returned (bounded, oldest first). */
  recentUpdates: Array<[string, TaskWire]>;
  /** Last timeline sequence number used by this task's stream. */
  timelineSeq: number;
  urge: UrgeEscalation | null;
}

export interface TaskInput {
  task: TaskSpec & {
    itemId: string;
    /** A task opened by a transfer keeps the first task's original clock and postponement. */
    originalDueAt?: Instant;
    postponed?: boolean;
  };
  item: ItemRef;
  /** Workflow id of the item workflow, told of every change by signal. */
  parentWorkflowId: string;
  options: TaskOptions;
  /** Who opened it: the launching supervisor, or the supervisor who approved a transfer. */
  openedBy: Actor;
  /** Set for a task opened by a transfer. */
  fromTaskId?: string;
  carried?: TaskCarried;
}

// ---- Updates: each returns the task's new state in wire shape. ----

export interface SignArgs {
  actor: Actor;
}
export interface ProgressArgs {
  actor: Actor;
  text: string;
  percent?: number;
}
export interface ExtensionRequestArgs {
  actor: Actor;
  reason: string;
  /** Epoch ms (convert the form's ISO string with domain toInstant). */
  newDueAt: Instant;
}
export interface ExtensionDecisionArgs {
  actor: Actor;
  approve: boolean;
  comment?: string;
  /** Default: newDueAt − the template's warning lead. */
  newWarnAt?: Instant;
}
export interface TransferRequestArgs {
  actor: Actor;
  reason: string;
  suggestedDepartmentId?: string;
}
export interface TransferDecisionArgs {
  actor: Actor;
  approve: boolean;
  /** Default: the department the request suggested. */
  departmentId?: string;
  comment?: string;
}
export interface CompleteArgs {
  actor: Actor;
  summary: string;
  fields?: Record<string, unknown>;
}
export interface ReviewArgs {
  actor: Actor;
  decision: 'accept' | 'return';
  comment: string;
}
export interface UrgeArgs {
  actor: Actor;
  message: string;
}

export interface AssignArgs {
  actor: Actor;
  /** The person of the task's department who handles it (承办人); the API checks the department. */
  assignee: { userId: string; name: string };
}

export const signUpdate = defineUpdate<TaskWire, [SignArgs]>('sign');
export const progressUpdate = defineUpdate<TaskWire, [ProgressArgs]>('progress');
export const requestExtensionUpdate = defineUpdate<TaskWire, [ExtensionRequestArgs]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<TaskWire, [ExtensionDecisionArgs]>('decideExtension');
export const requestTransferUpdate = defineUpdate<TaskWire, [TransferRequestArgs]>('requestTransfer');
export const decideTransferUpdate = defineUpdate<TaskWire, [TransferDecisionArgs]>('decideTransfer');
export const completeUpdate = defineUpdate<TaskWire, [CompleteArgs]>('complete');
export const reviewUpdate = defineUpdate<TaskWire, [ReviewArgs]>('review');
export const urgeUpdate = defineUpdate<TaskWire, [UrgeArgs]>('urge');
export const assignUpdate = defineUpdate<TaskWire, [AssignArgs]>('assign');

/** Every task Update by its action name, for services that dispatch on the route. */
export const taskUpdates = {
  sign: signUpdate,
  progress: progressUpdate,
  requestExtension: requestExtensionUpdate,
  decideExtension: decideExtensionUpdate,
  requestTransfer: requestTransferUpdate,
  decideTransfer: decideTransferUpdate,
  complete: completeUpdate,
  review: reviewUpdate,
  urge: urgeUpdate,
  assign: assignUpdate,
} as const;
export type TaskUpdateName = keyof typeof taskUpdates;

// ---- Signals ----

/** The working-day calendar changed: new instants computed outside the workflow (domain recomputeDeadlines). */
export interface DeadlinesRecomputedArgs {
  dueAt: Instant;
  warnAt: Instant;
  signDueAt?: Instant;
  /** Plain words, recorded in the timeline, e.g. "2026 holiday schedule published". */
  reason: string;
  /** Default: the system actor. An admin actor is accepted too. */
  actor?: Actor;
}
export const deadlinesRecomputedSignal = defineSignal<[DeadlinesRecomputedArgs]>('deadlinesRecomputed');

/** Item → task: the item was cancelled; close this task with the reason. */
export interface CancelTaskArgs {
  actor: Actor;
  reason: string;
}
export const cancelTaskSignal = defineSignal<[CancelTaskArgs]>('cancelTask');

/** Item → task: the supervisor changed the whole item's deadline; the open task follows, as an extension. */
export interface FollowDeadlineArgs {
  actor: Actor;
  dueAt: Instant;
  reason: string;
}
export const followDeadlineSignal = defineSignal<[FollowDeadlineArgs]>('followDeadline');

/** Item → task: the item is finished (archived or cancelled); a closed task may end its workflow. */
export const releaseTaskSignal = defineSignal<[]>('releaseTask');

// ---- Queries ----

export const taskStateQuery = defineQuery<TaskWire>('taskState');
/** The full domain state (policy, startedAt…): what domain recomputeDeadlines needs. */
export const taskDetailQuery = defineQuery<TaskState>('taskDetail');
