// The item's lifecycle (DESIGN.md "Lifecycle"), as pure steps over (state, event, now): launch,
// roll-up from its tasks, a task's change (and the transfer it may open), cancel, archive, and the
// supervisor's and leader's actions on a running item. Used alike by the item workflow and by audit
// replay (audit/fold.ts), so the two can never disagree about what an event did.
import { initialTaskState, type NewTaskInput } from './task-transitions';
import { rollUpItem } from './item-rollup';
import { isClosedStatus } from './lights';
import { taskToWire, toInstant, type TaskWire } from './wire';
import {
  duplicateMergedReason,
  duplicateRefusal,
  duplicateUnmergedReason,
  mayMerge,
  mergedReason,
  resumedDueAt,
  unmergedReason,
  unmergeRefusal,
  type MergeRecord,
} from './item-merge';
import type { Actor, DeadlinePolicy, Instant, ItemKind, ItemStatus, Light, RuleViolation, ViolationCode } from './types';

/** The item as launched (the form, validated and resolved by the launch service). */
export interface ItemFields {
  id: string;
  code: string;
  kind: ItemKind;
  title: string;
  description: string;
  source: string;
  /** User id of the issuing leader. */
  issuedBy: string;
  public: boolean;
  dueAt: Instant;
  createdAt: Instant;
}

export interface ItemState {
  item: ItemFields;
  status: ItemStatus;
  light: Light;
  /** Some task was red at some point. */
  redEver: boolean;
  /** When the item workflow started. */
  launchedAt: Instant;
  completedAt: Instant | null;
  cancelledAt: Instant | null;
  cancelReason: string | null;
  archivedAt: Instant | null;
  /** Last known state of every task (transferred and cancelled ones too), in opening order. */
  tasks: TaskWire[];
  /** Increments per change; projections never move the items row to a lower version. */
  version: number;
  /** Set while the item is merged into a primary (absent in states from before merges existed). */
  merged?: MergeRecord | null;
  /** The items merged into this one (it is their primary). */
  duplicateIds?: string[];
}

/** A task the item opens: launch, an approved transfer, an assisting department. */
export type ItemTaskSpec = NewTaskInput;

/** A reason in plain words, as the timeline keeps it. */
export interface RecordedReason {
  code: string | null;
  en: string;
  zh: string;
}

/** What a task workflow is told by its item. */
export type TaskMessage =
  | { type: 'cancel'; actor: Actor; reason: string }
  | { type: 'release' }
  | { type: 'deadline'; actor: Actor; dueAt: Instant; reason: string };

/** What the item workflow must do after a step (the rules themselves do no I/O). */
export type ItemEffect =
  /** A timeline entry: what happened, by whom, in the item's history. */
  | { type: 'record'; entry: string; actor: Actor; reason: RecordedReason | null; payload: Record<string, unknown> }
  | { type: 'start_task'; spec: ItemTaskSpec; openedBy: Actor; fromTaskId?: string }
  | { type: 'tell_task'; taskId: string; message: TaskMessage }
  /** The departments of the item's open tasks hear of it (a leader's instruction). */
  | { type: 'notify_departments'; kind: 'instruction'; actor: Actor; text: string; ref: string }
  /** What the items row and the search attributes show has changed. */
  | { type: 'projected' };

interface ItemEventBase {
  actor: Actor;
  at: Instant;
}

export type ItemEvent =
  | (ItemEventBase & { type: 'task_changed'; task: TaskWire; openTransfer?: { spec: ItemTaskSpec; actor: Actor } })
  | (ItemEventBase & { type: 'cancel'; reason: string })
  | (ItemEventBase & { type: 'archive' })
  | (ItemEventBase & { type: 'add_assist'; taskId: string; departmentId: string; dueAt?: Instant; policy: DeadlinePolicy })
  | (ItemEventBase & { type: 'change_deadline'; dueAt: Instant; reason: string })
  | (ItemEventBase & { type: 'instruct'; id: string; text: string })
  | (ItemEventBase & { type: 'set_public'; public: boolean; reason?: string })
  /** A repeated early warning (预警) carries newer details: the verification item's title and description follow. */
  | (ItemEventBase & { type: 'update_signal'; title: string; description: string; subject: string; riskLevel: string })
  | (ItemEventBase & { type: 'merge'; primaryId: string; primaryCode: string })
  | (ItemEventBase & { type: 'unmerge'; reopen: Array<{ fromTaskId: string; taskId: string }>; policy: DeadlinePolicy })
  | (ItemEventBase & { type: 'note_duplicate'; duplicateId: string; duplicateCode: string; merged: boolean });

export interface ItemTransition {
  state: ItemState;
  effects: ItemEffect[];
}

export class ItemRuleError extends Error {
  override name = 'ItemRuleError';
  constructor(readonly violation: RuleViolation) {
    super(violation.message);
  }
}

export const SYSTEM_ACTOR: Actor = { userId: 'system', name: 'System', role: 'system', departmentId: null };

const record = (entry: string, actor: Actor, payload: Record<string, unknown> = {}, reason: RecordedReason | null = null): ItemEffect => ({
  type: 'record',
  entry,
  actor,
  reason,
  payload,
});

const said = (code: string | null, text: string): RecordedReason => ({ code, en: text, zh: text });

/** The history's words for a repeated signal's newer details. */
export const SIGNAL_UPDATED: RecordedReason = { code: 'signal_updated', en: 'Signal details updated', zh: '预警信息已更新' };

/** The item's copy of a task until the task workflow reports (version −1: any report replaces it). */
export function placeholderTask(spec: ItemTaskSpec, now: Instant): TaskWire {
  return { ...taskToWire(initialTaskState(spec, now)), version: -1 };
}

/** The item the moment it is launched, and the tasks it opens. */
export function launchItem(item: ItemFields, specs: readonly ItemTaskSpec[], launchedBy: Actor, now: Instant): ItemTransition {
  const tasks = specs.map((s) => placeholderTask(s, now));
  const state: ItemState = {
    item,
    status: 'launched',
    light: 'green',
    redEver: false,
    launchedAt: now,
    completedAt: null,
    cancelledAt: null,
    cancelReason: null,
    archivedAt: null,
    tasks,
    version: 0,
  };
  const effects: ItemEffect[] = [
    ...specs.map((spec): ItemEffect => ({ type: 'start_task', spec, openedBy: launchedBy })),
    record('launched', launchedBy, { tasks: specs.map((s) => ({ id: s.id, departmentId: s.departmentId, role: s.role })) }),
    { type: 'projected' },
  ];
  return { state: { ...state, ...rollUpItem(tasks, 'launched') }, effects };
}

/** What the items row and the search attributes show; a change bumps the version. */
const projectedKey = (s: ItemState) =>
  [s.status, s.light, s.redEver, [...new Set(s.tasks.map((t) => t.departmentId))].sort().join(',')].join('|');

/** Re-derives status and light from the tasks; a visible change bumps the version. */
export function rollUp(state: ItemState, now: Instant, actor: Actor = SYSTEM_ACTOR): ItemTransition {
  const { status, light } = rollUpItem(state.tasks, state.status);
  const next: ItemState = { ...state, status, light, redEver: state.redEver || state.tasks.some((t) => t.redEver) };
  if (projectedKey(next) === projectedKey(state)) return { state: next, effects: [] };
  next.version += 1;
  const effects: ItemEffect[] = [];
  if (status !== state.status) {
    if (status === 'completed') next.completedAt = now;
    effects.push(record('item_status_changed', actor, { from: state.status, to: status }));
  }
  effects.push({ type: 'projected' });
  return { state: next, effects };
}

const RUNNING: readonly ItemStatus[] = ['launched', 'in_progress'];
// (item-merge.ts has the same list: a merge needs a running item on both sides.)
const isRunning = (s: ItemState) => RUNNING.includes(s.status);

function violation(code: ViolationCode, message: string, messageZh: string, field?: string): RuleViolation {
  return field === undefined ? { code, message, messageZh } : { code, message, messageZh, field };
}
const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
const isInstant = (v: unknown): v is Instant => typeof v === 'number' && Number.isFinite(v);
const notRunning = (s: ItemState, en: string, zh: string) => violation('wrong_state', `cannot ${en} an item that is ${s.status}`, `事项已结束，不能${zh}`);
const onlySupervisor = (en: string, zh: string) => violation('forbidden', `only a supervisor may ${en}`, `仅督查室可以${zh}`);

/** Who may do what to the item, in which state, with which values (the Updates' validator). */
export function validateItemAction(state: ItemState, event: ItemEvent, now: Instant): RuleViolation | null {
  const supervisor = event.actor.role === 'supervisor';
  switch (event.type) {
    case 'task_changed':
    case 'archive':
      return null;
    case 'cancel':
      if (!supervisor) return onlySupervisor('cancel an item', '撤销事项');
      if (!isRunning(state)) return notRunning(state, 'cancel', '撤销');
      return blank(event.reason) ? violation('rule_violation', 'a reason is required', '请填写撤销理由', 'reason') : null;
    case 'add_assist':
      if (!supervisor) return onlySupervisor('add an assisting department', '增加协办单位');
      if (!isRunning(state)) return notRunning(state, 'add a department to', '增加协办单位');
      if (blank(event.departmentId)) return violation('rule_violation', 'departmentId is required', '请选择协办单位', 'departmentId');
      if (state.tasks.some((t) => t.departmentId === event.departmentId && !isClosedStatus(t.status))) {
        return violation('wrong_state', 'that department already has an open task on this item', '该单位已承办此事项', 'departmentId');
      }
      if (event.dueAt !== undefined && (!isInstant(event.dueAt) || event.dueAt <= now)) {
        return violation('rule_violation', 'dueAt must be in the future', '办理期限须晚于当前时间', 'dueAt');
      }
      return null;
    case 'change_deadline':
      if (!supervisor) return onlySupervisor("change the item's deadline", '调整事项办理期限');
      if (!isRunning(state)) return notRunning(state, 'change the deadline of', '调整办理期限');
      if (!isInstant(event.dueAt) || event.dueAt <= now) return violation('rule_violation', 'dueAt must be in the future', '办理期限须晚于当前时间', 'dueAt');
      return blank(event.reason) ? violation('rule_violation', 'a reason is required', '请填写调整理由', 'reason') : null;
    case 'instruct':
      if (!supervisor && event.actor.role !== 'leader') return violation('forbidden', 'only a leader or a supervisor may give instructions', '仅领导或督查室可以批示');
      if (!isRunning(state)) return notRunning(state, 'instruct on', '批示');
      if (blank(event.text)) return violation('rule_violation', 'text is required', '请填写批示内容', 'text');
      return event.text.length > 4000 ? violation('rule_violation', 'text is longer than 4000 characters', '批示内容不能超过4000字', 'text') : null;
    case 'set_public':
      if (!supervisor) return onlySupervisor('change whether an item is public', '调整事项公开属性');
      if (state.status === 'archived') return notRunning(state, 'change the disclosure of', '调整公开属性');
      if (typeof event.public !== 'boolean') return violation('rule_violation', 'public must be true or false', '公开属性须为是或否', 'public');
      return event.public === state.item.public
        ? violation('wrong_state', `the item is already ${event.public ? 'public' : 'not public'}`, event.public ? '事项已公开' : '事项已不公开', 'public')
        : null;
    case 'update_signal':
      if (event.actor.role !== 'system') return violation('forbidden', "only the intake of signals may change a signal's details", '仅预警接入可以更新预警信息');
      if (state.item.kind !== 'verification') return violation('wrong_state', 'only a verification item has a signal', '仅预警核查事项有预警信息');
      if (state.status === 'archived') return notRunning(state, 'update the signal of', '更新预警信息');
      return blank(event.title) ? violation('rule_violation', 'subject is required', '请填写预警标题', 'subject') : null;
    case 'merge':
    case 'unmerge':
    case 'note_duplicate':
      return validateMergeAction(state, event);
  }
}

const mergeSideOf = (state: ItemState) => ({
  kind: state.item.kind,
  status: state.status,
  mergedIntoCode: state.merged?.primaryCode ?? null,
  hasDuplicates: (state.duplicateIds ?? []).length > 0,
});

/** The merge rules (domain/item-merge.ts) as each side's workflow checks them. */
function validateMergeAction(state: ItemState, event: Extract<ItemEvent, { type: 'merge' | 'unmerge' | 'note_duplicate' }>): RuleViolation | null {
  switch (event.type) {
    case 'merge':
      if (event.primaryId === state.item.id) return violation('rule_violation', 'an item cannot be merged into itself', '事项不能并入自身', 'primaryId');
      if (blank(event.primaryCode)) return violation('rule_violation', 'primaryCode is required', '缺少主事项编号', 'primaryId');
      return duplicateRefusal(mergeSideOf(state), event.actor);
    case 'unmerge': {
      const refused = unmergeRefusal(state.merged, state.item.kind, state.archivedAt !== null ? 'archived' : state.status, event.actor);
      if (refused) return refused;
      const expected = [...(state.merged?.taskIds ?? [])].sort().join(',');
      const given = Array.isArray(event.reopen) ? event.reopen.map((r) => r.fromTaskId).sort().join(',') : '';
      return expected === given ? null : violation('invalid_input', 'reopen must name every task the merge cancelled', '须重新开启合并时撤销的每个任务', 'reopen');
    }
    case 'note_duplicate': {
      if (!mayMerge(event.actor, state.item.kind)) return violation('forbidden', 'only a supervisor, or an operator for appeals, may merge items', '仅督查室（诉求由话务员）可以合并重复事项', 'primaryId');
      const listed = (state.duplicateIds ?? []).includes(event.duplicateId);
      if (!event.merged) return listed ? null : violation('wrong_state', 'that item is not merged into this one', '该事项未并入本事项', 'id');
      if (state.merged) return violation('rule_violation', `the item is itself merged into ${state.merged.primaryCode}`, `该事项已并入 ${state.merged.primaryCode}`, 'primaryId');
      if (!isRunning(state)) return violation('rule_violation', 'merge only into an open item', '只能并入办理中的事项', 'primaryId');
      return listed ? violation('wrong_state', 'that item is already merged into this one', '该事项已并入本事项', 'id') : null;
    }
  }
}

function onTaskChanged(state: ItemState, e: Extract<ItemEvent, { type: 'task_changed' }>, now: Instant): ItemTransition {
  const effects: ItemEffect[] = [];
  let s = state;
  let changed = false;
  const transfer = e.openTransfer;
  // A transfer is opened BEFORE rolling up, so the item never looks completed in between.
  if (transfer && !s.tasks.some((t) => t.id === transfer.spec.id)) {
    const payload = { fromTaskId: e.task.id, newTaskId: transfer.spec.id, departmentId: transfer.spec.departmentId };
    if (s.status === 'cancelled' || s.status === 'archived') {
      effects.push(record('transfer_dropped', transfer.actor, payload, { code: 'item_closed', en: 'the item is closed', zh: '事项已结束' }));
    } else {
      s = { ...s, tasks: [...s.tasks, placeholderTask(transfer.spec, now)] };
      effects.push({ type: 'start_task', spec: transfer.spec, openedBy: transfer.actor, fromTaskId: e.task.id });
      effects.push(record('task_transferred', transfer.actor, payload));
      changed = true;
    }
  }
  const index = s.tasks.findIndex((t) => t.id === e.task.id);
  const known = s.tasks[index];
  if (known && known.version < e.task.version) {
    s = { ...s, tasks: s.tasks.map((t, i) => (i === index ? e.task : t)) };
    changed = true;
  }
  if (!changed) return { state: s, effects };
  const rolled = rollUp(s, now);
  return { state: rolled.state, effects: [...effects, ...rolled.effects] };
}

function onMerge(state: ItemState, e: Extract<ItemEvent, { type: 'merge' }>, now: Instant): ItemTransition {
  const open = state.tasks.filter((t) => !isClosedStatus(t.status));
  const reason = mergedReason(e.primaryCode);
  const merged: MergeRecord = { primaryId: e.primaryId, primaryCode: e.primaryCode, mergedAt: now, mergedBy: e.actor, statusBefore: state.status, taskIds: open.map((t) => t.id) };
  return {
    state: { ...state, version: state.version + 1, status: 'cancelled', cancelledAt: now, cancelReason: reason.en, merged },
    effects: [
      record('item_merged', e.actor, { primaryId: e.primaryId, primaryCode: e.primaryCode, taskIds: merged.taskIds }, reason),
      ...open.map((t): ItemEffect => ({ type: 'tell_task', taskId: t.id, message: { type: 'cancel', actor: e.actor, reason: reason.en } })),
      { type: 'projected' },
    ],
  };
}

/** Restores the status before the merge; each task the merge cancelled reopens, its clock resuming. */
function onUnmerge(state: ItemState, e: Extract<ItemEvent, { type: 'unmerge' }>, now: Instant): ItemTransition {
  const merged = state.merged!;
  const specs = e.reopen.flatMap(({ fromTaskId, taskId }): ItemTaskSpec[] => {
    const was = state.tasks.find((t) => t.id === fromTaskId);
    if (!was) return [];
    const dueAt = resumedDueAt(toInstant(was.dueAt), merged, now);
    return [{ id: taskId, itemId: state.item.id, departmentId: was.departmentId, role: was.role, dueAt, policy: { ...e.policy, workingDays: null }, originalDueAt: toInstant(was.originalDueAt) }];
  });
  const reopened: ItemState = {
    ...state,
    status: merged.statusBefore,
    cancelledAt: null,
    cancelReason: null,
    merged: null,
    tasks: [...state.tasks, ...specs.map((s) => placeholderTask(s, now))],
  };
  const rolled = rollUp(reopened, now, e.actor);
  return {
    state: { ...rolled.state, version: rolled.state.version + 1 },
    effects: [
      ...specs.map((spec): ItemEffect => ({ type: 'start_task', spec, openedBy: e.actor })),
      record('item_unmerged', e.actor, { primaryId: merged.primaryId, primaryCode: merged.primaryCode, reopened: e.reopen }, unmergedReason(merged.primaryCode)),
      ...rolled.effects.filter((x) => x.type !== 'projected'),
      { type: 'projected' },
    ],
  };
}

function onNoteDuplicate(state: ItemState, e: Extract<ItemEvent, { type: 'note_duplicate' }>): ItemTransition {
  const ids = state.duplicateIds ?? [];
  const duplicateIds = e.merged ? [...ids, e.duplicateId] : ids.filter((id) => id !== e.duplicateId);
  const reason = e.merged ? duplicateMergedReason(e.duplicateCode) : duplicateUnmergedReason(e.duplicateCode);
  return {
    state: { ...state, version: state.version + 1, duplicateIds },
    effects: [record(e.merged ? 'duplicate_merged' : 'duplicate_unmerged', e.actor, { duplicateId: e.duplicateId, duplicateCode: e.duplicateCode }, reason), { type: 'projected' }],
  };
}

function step(state: ItemState, e: ItemEvent, now: Instant): ItemTransition {
  const bumped = { ...state, version: state.version + 1 };
  switch (e.type) {
    case 'task_changed':
      return onTaskChanged(state, e, now);
    case 'cancel': {
      const open = state.tasks.filter((t) => !isClosedStatus(t.status));
      return {
        state: { ...bumped, status: 'cancelled', cancelledAt: now, cancelReason: e.reason },
        effects: [
          record('item_cancelled', e.actor, { reason: e.reason }, said('cancelled', e.reason)),
          ...open.map((t): ItemEffect => ({ type: 'tell_task', taskId: t.id, message: { type: 'cancel', actor: e.actor, reason: e.reason } })),
          { type: 'projected' },
        ],
      };
    }
    case 'archive': {
      const from = state.status;
      return {
        state: { ...bumped, status: from === 'completed' ? 'archived' : from, archivedAt: now },
        effects: [
          record('item_archived', e.actor, { from }),
          { type: 'projected' },
          ...state.tasks.map((t): ItemEffect => ({ type: 'tell_task', taskId: t.id, message: { type: 'release' } })),
        ],
      };
    }
    case 'add_assist': {
      const spec: ItemTaskSpec = {
        id: e.taskId,
        itemId: state.item.id,
        departmentId: e.departmentId,
        role: 'assist',
        dueAt: e.dueAt ?? state.item.dueAt,
        policy: { ...e.policy, workingDays: null },
      };
      const s = { ...state, tasks: [...state.tasks, placeholderTask(spec, now)] };
      const rolled = rollUp(s, now, e.actor);
      return {
        state: rolled.state,
        effects: [
          { type: 'start_task', spec, openedBy: e.actor },
          record('assist_added', e.actor, { taskId: e.taskId, departmentId: e.departmentId, dueAt: spec.dueAt }),
          ...rolled.effects,
        ],
      };
    }
    case 'change_deadline': {
      const open = state.tasks.filter((t) => !isClosedStatus(t.status));
      return {
        state: { ...bumped, item: { ...state.item, dueAt: e.dueAt } },
        effects: [
          record('item_deadline_changed', e.actor, { from: state.item.dueAt, dueAt: e.dueAt, reason: e.reason }, said('deadline_changed', e.reason)),
          ...open.map((t): ItemEffect => ({ type: 'tell_task', taskId: t.id, message: { type: 'deadline', actor: e.actor, dueAt: e.dueAt, reason: e.reason } })),
          { type: 'projected' },
        ],
      };
    }
    case 'instruct':
      return {
        state,
        effects: [
          record('item_instruction', e.actor, { id: e.id, text: e.text }),
          { type: 'notify_departments', kind: 'instruction', actor: e.actor, text: e.text, ref: e.id },
        ],
      };
    case 'set_public': {
      const reason = e.reason && e.reason.trim() !== '' ? said(null, e.reason) : null;
      return {
        state: { ...bumped, item: { ...state.item, public: e.public } },
        effects: [record('item_public_changed', e.actor, { public: e.public, ...(e.reason ? { reason: e.reason } : {}) }, reason), { type: 'projected' }],
      };
    }
    case 'update_signal':
      return onSignalUpdated(state, bumped, e);
    case 'merge':
      return onMerge(state, e, now);
    case 'unmerge':
      return onUnmerge(state, e, now);
    case 'note_duplicate':
      return onNoteDuplicate(state, e);
  }
}

/** A repeat with the same words changes nothing and says nothing; newer words replace the title and description. */
function onSignalUpdated(state: ItemState, bumped: ItemState, e: Extract<ItemEvent, { type: 'update_signal' }>): ItemTransition {
  if (e.title === state.item.title && e.description === state.item.description) return { state, effects: [] };
  return {
    state: { ...bumped, item: { ...state.item, title: e.title, description: e.description } },
    effects: [
      record('signal_updated', e.actor, { subject: e.subject, riskLevel: e.riskLevel, from: { title: state.item.title } }, SIGNAL_UPDATED),
      { type: 'projected' },
    ],
  };
}

/** Applies one event at `now`; throws ItemRuleError when validateItemAction refuses it. */
export function applyItemEvent(state: ItemState, event: ItemEvent, now: Instant): ItemTransition {
  const refused = validateItemAction(state, event, now);
  if (refused) throw new ItemRuleError(refused);
  return step(state, event, now);
}

/** The item's instant to archive: the archive period after it completed or was cancelled. */
export function archiveDueAt(state: ItemState, archiveAfterMs: number, now: Instant): Instant {
  return (state.completedAt ?? state.cancelledAt ?? now) + archiveAfterMs;
}

/** Completed or cancelled: the item waits out its archive period. */
export const isFinishedItem = (s: ItemState) => s.status === 'completed' || s.status === 'cancelled';

/** A task's news as the item's event: the change, and the transfer to open if it approved one. */
export function taskChangedEvent(change: { task: TaskWire; openTransfer?: { spec: ItemTaskSpec; actor: Actor } }, now: Instant): ItemEvent {
  const event: ItemEvent = { type: 'task_changed', actor: change.openTransfer?.actor ?? SYSTEM_ACTOR, at: now, task: change.task };
  return change.openTransfer ? { ...event, openTransfer: change.openTransfer } : event;
}
