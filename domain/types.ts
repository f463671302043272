// Shared vocabulary of the supervision domain. Plain data only: these values cross
// Temporal payloads, so every instant is an epoch-millisecond number (ISO only on the wire).

/** Epoch milliseconds (UTC). */
export type Instant = number;

/** The kinds a supervisor or leader launches (`POST /api/items`). */
export const SUPERVISION_KINDS = ['meeting_resolution', 'leadership_instruction', 'approval_document', 'routine'] as const;
/**
 * Every kind: the supervision kinds; `verification` (预警核查), launched from a monitoring system's signal
 * (`POST /api/intake/signals`); and `appeal` (诉求), which only the hotline loop launches
 * (`POST /api/appeals/:id/dispatch`).
 */
export const ITEM_KINDS = [...SUPERVISION_KINDS, 'verification', 'appeal'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_STATUSES = ['launched', 'in_progress', 'completed', 'archived', 'cancelled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const TASK_STATUSES = ['assigned', 'signed', 'in_progress', 'submitted', 'accepted', 'transferred', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses after which a task never changes again (its light is frozen). */
export const CLOSED_TASK_STATUSES = ['accepted', 'transferred', 'cancelled'] as const satisfies readonly TaskStatus[];
export type ClosedTaskStatus = (typeof CLOSED_TASK_STATUSES)[number];

export const LIGHTS = ['green', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];

export const OUTCOMES = ['on_time', 'overdue', 'postponed'] as const;
export type Outcome = (typeof OUTCOMES)[number] | null;

export const TASK_ROLES = ['lead', 'assist'] as const;
export type TaskRole = (typeof TASK_ROLES)[number];

export const ACTOR_ROLES = ['admin', 'supervisor', 'leader', 'department', 'auditor', 'operator', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

/** Who did something; carried by every event so history answers "who did what, when". */
export interface Actor {
  userId: string;
  name: string;
  role: ActorRole;
  departmentId: string | null;
}

/** Bilingual plain-words text. */
export interface Text2 {
  en: string;
  zh: string;
}

export const LIGHT_REASON_CODES = [
  'on_track',
  'warning_window',
  'sign_overdue',
  'report_overdue',
  'pace_lag',
  'due_passed',
  'escalated_sign',
  'escalated_report',
] as const;
export type LightReasonCode = (typeof LIGHT_REASON_CODES)[number];

export interface LightReason extends Text2 {
  code: LightReasonCode;
}

/** Per-task deadline settings, resolved from the item template and launch form. */
export interface DeadlinePolicy {
  /** warnAt = dueAt − warnBeforeMs unless set explicitly. */
  warnBeforeMs: number;
  /** signDueAt = start + signWithinMs unless computed on the working-day calendar. */
  signWithinMs: number;
  /** Progress-report cadence; null = no periodic report required. */
  reportEveryMs: number | null;
  /** How long a sign-in or report yellow may last before it turns red. */
  escalateAfterMs: number;
  /** 序时进度 margin in percentage points; null = pace not checked. */
  paceMarginPercent: number | null;
  /** Set when dueAt was given as N working days (counted from `from`, default startedAt), so a calendar change can recompute it. */
  workingDays: { count: number; from?: Instant } | null;
  /** Set when signDueAt was computed as N working days; only changes the reason text. */
  signWithinWorkingDays?: number | null;
}

export interface ExtensionRequest {
  reason: string;
  newDueAt: Instant;
  requestedAt: Instant;
  actor: Actor;
}

export interface TransferRequest {
  reason: string;
  suggestedDepartmentId: string | null;
  requestedAt: Instant;
  actor: Actor;
}

/** A department task as the workflow holds it; the API's Task shape plus bookkeeping. */
export interface TaskState {
  id: string;
  itemId: string;
  departmentId: string;
  role: TaskRole;
  status: TaskStatus;
  light: Light;
  /** Why the light is what it is, most important first (never empty). */
  lightReasons: LightReason[];
  signDueAt: Instant;
  warnAt: Instant;
  /** Moves with approved extensions. */
  dueAt: Instant;
  /** Never moves with extensions; outcomes are judged against it. */
  originalDueAt: Instant;
  outcome: Outcome;
  /** Once red, recorded for good (assessment). */
  redEver: boolean;
  lastReportAt: Instant | null;
  /** Last reported progress 0..100; null until a report gives one. */
  percent: number | null;
  startedAt: Instant;
  signedAt: Instant | null;
  submittedAt: Instant | null;
  /**
   * Who submitted the completion report under review (user id): the return or acceptance is told to
   * them. Absent in states carried over from before it was kept.
   */
  submittedBy?: string | null;
  acceptedAt: Instant | null;
  closedAt: Instant | null;
  pendingExtension: ExtensionRequest | null;
  pendingTransfer: TransferRequest | null;
  /** Department the task went to when its transfer was approved. */
  transferredTo: string | null;
  urgeCount: number;
  returnCount: number;
  /** True once any extension was approved. */
  postponed: boolean;
  policy: DeadlinePolicy;
  /** The named person handling it (承办人); absent in states carried over from before it was kept. */
  assignee?: Assignee | null;
  /** Increments per applied event; projections never move a row to a lower version. */
  version: number;
}

/** The named person of the department who handles a task (承办人). */
export interface Assignee {
  userId: string;
  name: string;
}

interface EventBase {
  actor: Actor;
  /** When it happened (the workflow's clock); rules use the `now` argument, which should equal it. */
  at: Instant;
}

export type TaskEvent =
  | (EventBase & { type: 'sign' })
  | (EventBase & { type: 'progress'; text: string; percent?: number })
  | (EventBase & { type: 'extension_request'; reason: string; newDueAt: Instant })
  | (EventBase & { type: 'extension_decision'; approve: boolean; comment?: string; newWarnAt?: Instant })
  | (EventBase & { type: 'transfer_request'; reason: string; suggestedDepartmentId?: string })
  | (EventBase & { type: 'transfer_decision'; approve: boolean; departmentId?: string; comment?: string })
  | (EventBase & { type: 'complete'; summary: string; fields?: Record<string, unknown> })
  | (EventBase & { type: 'review'; decision: 'accept' | 'return'; comment: string })
  | (EventBase & { type: 'urge'; message: string })
  | (EventBase & { type: 'cancel'; reason: string })
  | (EventBase & {
      type: 'deadlines_recomputed';
      dueAt: Instant;
      warnAt: Instant;
      signDueAt?: Instant;
      reason: string;
    })
  /** The supervisor changed the whole item's deadline: the open task follows, as an approved extension. */
  | (EventBase & { type: 'deadline_set'; dueAt: Instant; reason: string })
  /** The department (or a supervisor) names the person who handles the task (承办人). */
  | (EventBase & { type: 'assign'; assignee: Assignee })
  | (EventBase & { type: 'tick' });

export type TaskEventType = TaskEvent['type'];
export type TaskEventOf<T extends TaskEventType> = Extract<TaskEvent, { type: T }>;

export const VIOLATION_CODES = ['wrong_state', 'forbidden', 'rule_violation', 'invalid_input'] as const;
/** wrong_state → HTTP 409, forbidden → 403, rule_violation → 422, invalid_input (text no store can hold) → 400. */
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export interface RuleViolation {
  code: ViolationCode;
  message: string;
  messageZh: string;
  field?: string;
}

export const NOTIFY_KINDS = [
  'assigned',
  'yellow',
  'red',
  'urged',
  'returned',
  'submitted',
  'accepted',
  'extension_requested',
  'extension_decided',
  'transfer_requested',
  'transfer_decided',
  'cancelled',
  'deadlines_changed',
] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** Who should hear about it; the notification activity resolves hints to users. */
export type RecipientHint = 'department' | 'department_leader' | 'supervisors' | 'issuing_leader';

/** Things the workflow must do after a transition (the rules themselves do no I/O). */
export type TaskEffect =
  | {
      type: 'notify';
      kind: NotifyKind;
      recipients: RecipientHint[];
      taskId: string;
      departmentId: string;
      /** User-written text to pass along (urge message, return comment…), if any. */
      detail?: string;
      /** For yellow/red: why. */
      reason?: LightReason;
    }
  | { type: 'light_changed'; taskId: string; from: Light; to: Light; reason: LightReason }
  | {
      type: 'open_transfer_task';
      fromTaskId: string;
      departmentId: string;
      role: TaskRole;
      dueAt: Instant;
      warnAt: Instant;
      originalDueAt: Instant;
      postponed: boolean;
    }
  | { type: 'task_closed'; taskId: string; status: ClosedTaskStatus; outcome: Outcome };

export type NotifyEffect = Extract<TaskEffect, { type: 'notify' }>;

export interface TaskTransition {
  state: TaskState;
  effects: TaskEffect[];
}
