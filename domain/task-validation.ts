// Who may do what, in which state, with which values. Runs as the Temporal Update validator, so
// a refused form never enters history; the API maps codes to 403 / 409 / 422.
import { beyondHorizon } from './durations';
import { isClosedStatus } from './lights';
import type { Actor, Instant, RuleViolation, TaskEvent, TaskEventOf, TaskState, TaskStatus, ViolationCode } from './types';

export const VIOLATION_HTTP_STATUS: Record<ViolationCode, number> = {
  forbidden: 403,
  wrong_state: 409,
  rule_violation: 422,
  invalid_input: 400,
};

/** Thrown by applyTaskEvent when called without a passing validation. */
export class TaskRuleError extends Error {
  override name = 'TaskRuleError';
  constructor(readonly violation: RuleViolation) {
    super(violation.message);
  }
}

function violation(code: ViolationCode, message: string, messageZh: string, field?: string): RuleViolation {
  return field === undefined ? { code, message, messageZh } : { code, message, messageZh, field };
}

function tooFar(field: string): RuleViolation {
  return violation('rule_violation', 'the date is more than ten years ahead', '日期不能晚于十年之后', field);
}

const STATUS_ZH: Record<TaskStatus, string> = {
  assigned: '待签收',
  signed: '已签收',
  in_progress: '办理中',
  submitted: '已提交办结报告',
  accepted: '已办结',
  transferred: '已转办',
  cancelled: '已撤销',
};

function wrongState(state: TaskState, action: string, actionZh: string): RuleViolation {
  return violation(
    'wrong_state',
    `cannot ${action} while the task is ${state.status.replace('_', ' ')}`,
    `任务当前状态为“${STATUS_ZH[state.status]}”，不能${actionZh}`,
  );
}

function blank(value: unknown): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

function required(value: unknown, field: string, en: string, zh: string): RuleViolation | null {
  return blank(value) ? violation('rule_violation', `${en} is required`, `请填写${zh}`, field) : null;
}

function isInstant(value: unknown): value is Instant {
  return typeof value === 'number' && Number.isFinite(value);
}

type Permission = 'own_department' | 'own_department_or_supervisor' | 'supervisor' | 'dispatcher' | 'supervisor_or_leader' | 'system';

const PERMISSION: Record<TaskEvent['type'], Permission> = {
  sign: 'own_department',
  progress: 'own_department',
  extension_request: 'own_department',
  transfer_request: 'own_department',
  complete: 'own_department',
  // A hotline operator closes an appeal's task by its return visit (回访) and re-dispatches a returned
  // one (退单); the API lets an operator do so only on appeals (api/services/appeals).
  review: 'dispatcher',
  extension_decision: 'supervisor',
  transfer_decision: 'dispatcher',
  // Only ever told by the task's item: a supervisor's cancel, or a merge (an operator merges appeals).
  cancel: 'dispatcher',
  urge: 'supervisor_or_leader',
  deadlines_recomputed: 'system',
  deadline_set: 'supervisor',
  assign: 'own_department_or_supervisor',
  tick: 'system',
};

function checkPermission(state: TaskState, event: TaskEvent): RuleViolation | null {
  const actor: Actor = event.actor;
  switch (PERMISSION[event.type]) {
    case 'own_department':
      return actor.role === 'department' && actor.departmentId === state.departmentId
        ? null
        : violation('forbidden', 'only the assigned department may do this', '仅承办单位可以办理此操作');
    case 'own_department_or_supervisor':
      return actor.role === 'supervisor' || (actor.role === 'department' && actor.departmentId === state.departmentId)
        ? null
        : violation('forbidden', 'only the assigned department or a supervisor may do this', '仅承办单位或督查室可以办理此操作');
    case 'supervisor':
      return actor.role === 'supervisor' ? null : violation('forbidden', 'only a supervisor may do this', '仅督查室可以办理此操作');
    case 'dispatcher':
      return actor.role === 'supervisor' || actor.role === 'operator'
        ? null
        : violation('forbidden', 'only a supervisor or a hotline operator may do this', '仅督查室或热线受理员可以办理此操作');
    case 'supervisor_or_leader':
      return actor.role === 'supervisor' || actor.role === 'leader'
        ? null
        : violation('forbidden', 'only a supervisor or a leader may urge', '仅督查室或领导可以催办');
    case 'system':
      // Timer ticks come from the workflow itself; calendar recomputation from the system or an admin.
      return actor.role === 'system' || (event.type === 'deadlines_recomputed' && actor.role === 'admin')
        ? null
        : violation('forbidden', 'only the system may do this', '仅系统可以执行此操作');
  }
}

const WORKING: readonly TaskStatus[] = ['signed', 'in_progress'];

function checkProgress(state: TaskState, e: TaskEventOf<'progress'>): RuleViolation | null {
  if (state.status === 'assigned') return wrongState(state, 'report progress before signing for it', '在签收前反馈进展');
  if (!WORKING.includes(state.status)) return wrongState(state, 'report progress', '反馈进展');
  const missing = required(e.text, 'text', 'progress text', '进展情况');
  if (missing) return missing;
  if (e.percent !== undefined && (typeof e.percent !== 'number' || !Number.isFinite(e.percent) || e.percent < 0 || e.percent > 100)) {
    return violation('rule_violation', 'percent must be between 0 and 100', '完成进度须在0到100之间', 'percent');
  }
  return null;
}

function checkExtensionRequest(state: TaskState, e: TaskEventOf<'extension_request'>, now: Instant): RuleViolation | null {
  if (!WORKING.includes(state.status)) return wrongState(state, 'ask for an extension', '申请延期');
  if (state.pendingExtension) {
    return violation('wrong_state', 'an extension request is already awaiting a decision', '已有待审批的延期申请');
  }
  const missing = required(e.reason, 'reason', 'a reason', '延期理由');
  if (missing) return missing;
  if (!isInstant(e.newDueAt)) return violation('rule_violation', 'newDueAt must be a date and time', '请填写新的办理期限', 'newDueAt');
  if (e.newDueAt <= state.dueAt) {
    return violation('rule_violation', 'the new due date must be after the current due date', '新的办理期限须晚于当前办理期限', 'newDueAt');
  }
  if (e.newDueAt <= now) return violation('rule_violation', 'the new due date is in the past', '新的办理期限早于当前时间', 'newDueAt');
  if (beyondHorizon(e.newDueAt, now)) return tooFar('newDueAt');
  return null;
}

function checkExtensionDecision(state: TaskState, e: TaskEventOf<'extension_decision'>, now: Instant): RuleViolation | null {
  const pending = state.pendingExtension;
  if (!pending) return violation('wrong_state', 'there is no extension request to decide', '没有待审批的延期申请');
  if (typeof e.approve !== 'boolean') return violation('rule_violation', 'approve must be true or false', '请选择同意或不同意', 'approve');
  if (!e.approve) return null;
  if (pending.newDueAt <= now) {
    return violation('rule_violation', 'the requested due date has already passed', '申请的办理期限已过', 'approve');
  }
  if (e.newWarnAt !== undefined) {
    if (!isInstant(e.newWarnAt)) return violation('rule_violation', 'newWarnAt must be a date and time', '预警时间格式不正确', 'newWarnAt');
    if (e.newWarnAt > pending.newDueAt) {
      return violation(
        'rule_violation',
        'the warning time must not be after the new due date',
        '预警时间不能晚于新的办理期限',
        'newWarnAt',
      );
    }
  }
  return null;
}

function checkTransferRequest(state: TaskState, e: TaskEventOf<'transfer_request'>): RuleViolation | null {
  if (!(['assigned', ...WORKING] as TaskStatus[]).includes(state.status)) return wrongState(state, 'ask for a transfer', '申请转办');
  if (state.pendingTransfer) return violation('wrong_state', 'a transfer request is already awaiting a decision', '已有待审批的转办申请');
  const missing = required(e.reason, 'reason', 'a reason', '转办理由');
  if (missing) return missing;
  if (e.suggestedDepartmentId !== undefined && e.suggestedDepartmentId === state.departmentId) {
    return violation(
      'rule_violation',
      'the suggested department is this same department',
      '建议的承办单位不能是本单位',
      'suggestedDepartmentId',
    );
  }
  return null;
}

function checkTransferDecision(state: TaskState, e: TaskEventOf<'transfer_decision'>): RuleViolation | null {
  const pending = state.pendingTransfer;
  if (!pending) return violation('wrong_state', 'there is no transfer request to decide', '没有待审批的转办申请');
  if (typeof e.approve !== 'boolean') return violation('rule_violation', 'approve must be true or false', '请选择同意或不同意', 'approve');
  if (!e.approve) return null;
  const target = e.departmentId ?? pending.suggestedDepartmentId;
  if (blank(target)) {
    return violation('rule_violation', 'choose the department to transfer the task to', '请选择转办的承办单位', 'departmentId');
  }
  if (target === state.departmentId) {
    return violation('rule_violation', 'the task cannot be transferred to the same department', '不能转办给原承办单位', 'departmentId');
  }
  return null;
}

function checkComplete(state: TaskState, e: TaskEventOf<'complete'>): RuleViolation | null {
  if (state.status === 'assigned') return wrongState(state, 'submit a completion report before signing for it', '在签收前提交办结报告');
  if (!WORKING.includes(state.status)) return wrongState(state, 'submit a completion report', '提交办结报告');
  const missing = required(e.summary, 'summary', 'a summary', '办结情况');
  if (missing) return missing;
  if (e.fields !== undefined && (typeof e.fields !== 'object' || e.fields === null || Array.isArray(e.fields))) {
    return violation('rule_violation', 'fields must be an object of form values', '表单字段格式不正确', 'fields');
  }
  return null;
}

function checkReview(state: TaskState, e: TaskEventOf<'review'>): RuleViolation | null {
  if (state.status !== 'submitted')
    return wrongState(state, 'review it (no completion report awaits review)', '审核（没有待审核的办结报告）');
  if (e.decision !== 'accept' && e.decision !== 'return') {
    return violation('rule_violation', 'decision must be "accept" or "return"', '审核结果须为通过或退回', 'decision');
  }
  if (e.decision === 'return') return required(e.comment, 'comment', 'a reason for returning', '退回理由');
  return null;
}

function checkRecomputed(e: TaskEventOf<'deadlines_recomputed'>): RuleViolation | null {
  if (!isInstant(e.dueAt)) return violation('rule_violation', 'dueAt must be a date and time', '办理期限格式不正确', 'dueAt');
  if (!isInstant(e.warnAt) || e.warnAt > e.dueAt) {
    return violation('rule_violation', 'warnAt must be a time not after dueAt', '预警时间不能晚于办理期限', 'warnAt');
  }
  if (e.signDueAt !== undefined && !isInstant(e.signDueAt)) {
    return violation('rule_violation', 'signDueAt must be a date and time', '签收期限格式不正确', 'signDueAt');
  }
  return required(e.reason, 'reason', 'a reason', '调整原因');
}

/** null when the event may be applied to the state at `now`; otherwise why not. */
export function validateTaskAction(state: TaskState, event: TaskEvent, now: Instant): RuleViolation | null {
  const forbidden = checkPermission(state, event);
  if (forbidden) return forbidden;
  if (event.type === 'tick') return null; // timers may fire after a task closed; a tick is then a no-op
  if (isClosedStatus(state.status)) {
    if (event.type === 'review' && state.status === 'accepted') {
      return violation(
        'wrong_state',
        'the task is already accepted; it can no longer be returned or reviewed',
        '任务已办结，不能再退回或审核',
      );
    }
    return wrongState(state, 'change a closed task', '修改已结束的任务');
  }
  switch (event.type) {
    case 'sign':
      return state.status === 'assigned' ? null : wrongState(state, 'sign for it again', '重复签收');
    case 'progress':
      return checkProgress(state, event);
    case 'extension_request':
      return checkExtensionRequest(state, event, now);
    case 'extension_decision':
      return checkExtensionDecision(state, event, now);
    case 'transfer_request':
      return checkTransferRequest(state, event);
    case 'transfer_decision':
      return checkTransferDecision(state, event);
    case 'complete':
      return checkComplete(state, event);
    case 'review':
      return checkReview(state, event);
    case 'urge':
      return required(event.message, 'message', 'an urging message', '催办内容');
    case 'cancel':
      return required(event.reason, 'reason', 'a reason', '撤销理由');
    case 'deadlines_recomputed':
      return checkRecomputed(event);
    case 'deadline_set':
      if (!isInstant(event.dueAt) || event.dueAt <= now) return violation('rule_violation', 'dueAt must be in the future', '办理期限须晚于当前时间', 'dueAt');
      if (beyondHorizon(event.dueAt, now)) return tooFar('dueAt');
      return required(event.reason, 'reason', 'a reason', '调整理由');
    case 'assign':
      if (typeof event.assignee !== 'object' || event.assignee === null || blank(event.assignee.userId)) {
        return violation('rule_violation', 'userId is required', '请选择承办人', 'userId');
      }
      return null;
  }
}
