// The task lifecycle (DESIGN.md "Lifecycle"): one pure step per event, returning the new state and
// the effects the workflow must carry out. Used alike by the workflow and by audit replay.
import type { WorkCalendar } from './calendar';
import { evaluateLight, isClosedStatus } from './lights';
import { outcomeOnAccept } from './outcome';
import { TaskRuleError, validateTaskAction } from './task-validation';
import type {
  ClosedTaskStatus,
  DeadlinePolicy,
  Instant,
  Light,
  NotifyEffect,
  NotifyKind,
  RecipientHint,
  RuleViolation,
  TaskEffect,
  TaskEvent,
  TaskRole,
  TaskState,
  TaskTransition,
} from './types';

export interface NewTaskInput {
  id: string;
  itemId: string;
  departmentId: string;
  role: TaskRole;
  dueAt: Instant;
  policy: DeadlinePolicy;
  /** Default: dueAt − policy.warnBeforeMs. */
  warnAt?: Instant;
  /** Default: now + policy.signWithinMs (use resolveDeadlines for working days). */
  signDueAt?: Instant;
  /** For a task opened by a transfer: the first task's original due date. Default: dueAt. */
  originalDueAt?: Instant;
  /** For a task opened by a transfer of a postponed task. */
  postponed?: boolean;
}

const RECIPIENTS: Record<NotifyKind, RecipientHint[]> = {
  assigned: ['department'],
  yellow: ['department', 'department_leader'],
  red: ['supervisors', 'issuing_leader', 'department', 'department_leader'],
  urged: ['department', 'department_leader'],
  returned: ['department'],
  submitted: ['supervisors'],
  accepted: ['department'],
  extension_requested: ['supervisors'],
  extension_decided: ['department'],
  transfer_requested: ['supervisors'],
  transfer_decided: ['department'],
  cancelled: ['department'],
  deadlines_changed: ['department'],
};

function notify(state: TaskState, kind: NotifyKind, detail?: string): NotifyEffect {
  const effect: NotifyEffect = {
    type: 'notify',
    kind,
    recipients: RECIPIENTS[kind],
    taskId: state.id,
    departmentId: state.departmentId,
  };
  return detail === undefined || detail === '' ? effect : { ...effect, detail };
}

/** Checks a new task's deadlines (the API answers 422 with it). */
export function validateNewTask(input: NewTaskInput, now: Instant): RuleViolation | null {
  const bad = (message: string, messageZh: string, field: string): RuleViolation => ({
    code: 'rule_violation',
    message,
    messageZh,
    field,
  });
  if (!Number.isFinite(input.dueAt)) return bad('dueAt must be a date and time', '请填写办理期限', 'dueAt');
  if (input.dueAt <= now) return bad('the due date is in the past', '办理期限早于当前时间', 'dueAt');
  const p = input.policy;
  for (const [field, v] of [
    ['warnBefore', p.warnBeforeMs],
    ['signWithin', p.signWithinMs],
    ['escalateAfter', p.escalateAfterMs],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) return bad(`${field} must be a duration ≥ 0`, '时长须为非负', field);
  }
  if (p.reportEveryMs !== null && (!Number.isFinite(p.reportEveryMs) || p.reportEveryMs <= 0)) {
    return bad('reportEvery must be a positive duration', '进展反馈周期须大于0', 'reportEvery');
  }
  if (p.paceMarginPercent !== null && !(p.paceMarginPercent >= 0 && p.paceMarginPercent <= 100)) {
    return bad('the pace margin must be between 0 and 100', '序时进度容差须在0到100之间', 'paceMarginPercent');
  }
  if (input.warnAt !== undefined && input.warnAt > input.dueAt) {
    return bad('the warning time must not be after the due date', '预警时间不能晚于办理期限', 'warnAt');
  }
  if (input.signDueAt !== undefined && input.signDueAt > input.dueAt) {
    return bad('the sign-in deadline must not be after the due date', '签收期限不能晚于办理期限', 'signDueAt');
  }
  return null;
}

/** A freshly assigned task with its light evaluated at `now`. */
export function initialTaskState(input: NewTaskInput, now: Instant, calendar?: WorkCalendar): TaskState {
  const draft: TaskState = {
    id: input.id,
    itemId: input.itemId,
    departmentId: input.departmentId,
    role: input.role,
    status: 'assigned',
    light: 'green',
    lightReasons: [],
    signDueAt: input.signDueAt ?? now + input.policy.signWithinMs,
    warnAt: input.warnAt ?? input.dueAt - input.policy.warnBeforeMs,
    dueAt: input.dueAt,
    originalDueAt: input.originalDueAt ?? input.dueAt,
    outcome: null,
    redEver: false,
    lastReportAt: null,
    percent: null,
    startedAt: now,
    signedAt: null,
    submittedAt: null,
    submittedBy: null,
    acceptedAt: null,
    closedAt: null,
    pendingExtension: null,
    pendingTransfer: null,
    transferredTo: null,
    urgeCount: 0,
    returnCount: 0,
    postponed: input.postponed ?? false,
    policy: input.policy,
    version: 0,
  };
  const { light, reasons } = evaluateLight(draft, now, calendar);
  return { ...draft, light, lightReasons: reasons, redEver: light === 'red' };
}

/** initialTaskState plus the effects of opening it (notify the department; yellow/red if born late). */
export function openTask(input: NewTaskInput, now: Instant, calendar?: WorkCalendar): TaskTransition {
  const state = initialTaskState(input, now, calendar);
  const effects: TaskEffect[] = [notify(state, 'assigned')];
  if (state.light !== 'green') {
    const reason = state.lightReasons[0];
    const n = notify(state, state.light);
    effects.push(reason ? { ...n, reason } : n);
  }
  return { state, effects };
}

/** The event's own change of state and effects, before lights are re-evaluated. */
function step(s: TaskState, e: TaskEvent, now: Instant): TaskEffect[] {
  switch (e.type) {
    case 'sign':
      s.status = 'signed';
      s.signedAt = now;
      return [];
    case 'progress':
      s.status = 'in_progress';
      s.lastReportAt = now;
      if (e.percent !== undefined) s.percent = e.percent;
      return [];
    case 'extension_request':
      s.pendingExtension = { reason: e.reason, newDueAt: e.newDueAt, requestedAt: now, actor: e.actor };
      return [notify(s, 'extension_requested', e.reason)];
    case 'extension_decision': {
      const pending = s.pendingExtension;
      s.pendingExtension = null;
      if (e.approve && pending) {
        s.dueAt = pending.newDueAt;
        s.warnAt = e.newWarnAt ?? pending.newDueAt - s.policy.warnBeforeMs;
        s.postponed = true;
      }
      return [notify(s, 'extension_decided', e.comment)];
    }
    case 'transfer_request':
      s.pendingTransfer = {
        reason: e.reason,
        suggestedDepartmentId: e.suggestedDepartmentId ?? null,
        requestedAt: now,
        actor: e.actor,
      };
      return [notify(s, 'transfer_requested', e.reason)];
    case 'transfer_decision': {
      const pending = s.pendingTransfer;
      s.pendingTransfer = null;
      const effects: TaskEffect[] = [notify(s, 'transfer_decided', e.comment)];
      const target = e.departmentId ?? pending?.suggestedDepartmentId ?? null;
      if (!e.approve || target === null) return effects;
      s.status = 'transferred';
      s.transferredTo = target;
      effects.push({
        type: 'open_transfer_task',
        fromTaskId: s.id,
        departmentId: target,
        role: s.role,
        dueAt: s.dueAt,
        warnAt: s.warnAt,
        originalDueAt: s.originalDueAt,
        postponed: s.postponed,
      });
      return effects;
    }
    case 'complete':
      s.status = 'submitted';
      s.submittedAt = now;
      s.submittedBy = e.actor.userId;
      s.lastReportAt = now; // the completion report is a report too
      return [notify(s, 'submitted')];
    case 'review':
      if (e.decision === 'accept') {
        s.status = 'accepted';
        s.acceptedAt = now;
        s.outcome = outcomeOnAccept(s, now);
        return [notify(s, 'accepted', e.comment)];
      }
      s.status = 'in_progress';
      s.submittedAt = null;
      s.returnCount += 1;
      return [notify(s, 'returned', e.comment)];
    case 'urge':
      s.urgeCount += 1;
      return [notify(s, 'urged', e.message)];
    case 'cancel':
      s.status = 'cancelled';
      return [notify(s, 'cancelled', e.reason)];
    case 'deadlines_recomputed': {
      const before = [s.dueAt, s.warnAt, s.signDueAt, s.originalDueAt].join();
      // A postponed task keeps its approved due date; only the original clock follows the calendar.
      if (s.postponed) s.originalDueAt = e.dueAt;
      else {
        s.dueAt = e.dueAt;
        s.warnAt = e.warnAt;
        s.originalDueAt = e.dueAt;
      }
      if (e.signDueAt !== undefined && s.status === 'assigned') s.signDueAt = e.signDueAt;
      const changed = before !== [s.dueAt, s.warnAt, s.signDueAt, s.originalDueAt].join();
      return changed ? [notify(s, 'deadlines_changed', e.reason)] : [];
    }
    case 'deadline_set':
      // As an extension the supervisor decided: the original due date stays for assessment.
      s.dueAt = e.dueAt;
      s.warnAt = e.dueAt - s.policy.warnBeforeMs;
      s.postponed = true;
      return [notify(s, 'extension_decided', e.reason)];
    case 'assign':
      s.assignee = { userId: e.assignee.userId, name: e.assignee.name };
      return [];
    case 'tick':
      return [];
  }
}

function lightEffects(s: TaskState, from: Light, closing: boolean): TaskEffect[] {
  if (s.light === from) return [];
  const reason = s.lightReasons[0];
  if (!reason) return [];
  const effects: TaskEffect[] = [{ type: 'light_changed', taskId: s.id, from, to: s.light, reason }];
  // Getting worse is news; getting better (an approved extension) is told by the decision itself.
  const worse = (from === 'green' && s.light !== 'green') || (from === 'yellow' && s.light === 'red');
  if (worse && !closing) effects.push({ ...notify(s, s.light === 'red' ? 'red' : 'yellow'), reason });
  return effects;
}

/**
 * Applies one event at `now` (the workflow's clock; for replay, the event's recorded time).
 * Throws TaskRuleError when validateTaskAction refuses it; a tick on a closed task changes nothing.
 */
export function applyTaskEvent(state: TaskState, event: TaskEvent, now: Instant, calendar?: WorkCalendar): TaskTransition {
  const refused = validateTaskAction(state, event, now);
  if (refused) throw new TaskRuleError(refused);
  if (event.type === 'tick' && isClosedStatus(state.status)) return { state, effects: [] };

  // The light as it stands at `now`, before the event (a timer may not have fired yet).
  const before = evaluateLight(state, now, calendar);
  const s: TaskState = {
    ...state,
    lightReasons: [...state.lightReasons],
    version: state.version + 1,
  };
  const eventEffects = step(s, event, now);

  const closing = isClosedStatus(s.status);
  // A closing task keeps the light it had at that moment; an open one is re-evaluated after the event.
  const after = closing ? before : evaluateLight(s, now, calendar);
  s.light = after.light;
  s.lightReasons = after.reasons;
  // Red is recorded for good, even if it only held until this very event (a late timer).
  s.redEver = s.redEver || before.light === 'red' || after.light === 'red';

  const effects = [...eventEffects, ...lightEffects(s, state.light, closing)];
  if (closing) {
    s.closedAt = now;
    s.pendingExtension = null;
    s.pendingTransfer = null;
    effects.push({ type: 'task_closed', taskId: s.id, status: s.status as ClosedTaskStatus, outcome: s.outcome });
  }
  return { state: s, effects };
}

/** Folds a recorded history into a state (audit replay): each event is applied at its own `at`. */
export function replayTask(initial: TaskState, events: readonly TaskEvent[], calendar?: WorkCalendar): TaskState {
  return events.reduce((s, e) => applyTaskEvent(s, e, e.at, calendar).state, initial);
}
