// Launch form → a checked plan: every rule of a launch is decided here, before anything is written
// or started, and every refusal names its field. Deadlines are resolved on the working-day
// calendar (with admin overrides) now, so workflow code never computes a calendar.
import type { ItemTemplate } from '../../../db/queries/templates';
import {
  DAY_MS,
  DurationError,
  MAX_HORIZON_MS,
  MIN_REPORT_CADENCE_MS,
  beyondHorizon,
  initialTaskState,
  parseDuration,
  resolveDeadlines,
  validateNewTask,
  type DeadlinePolicy,
  type Instant,
  type TaskState,
  type WorkCalendar,
} from '../../../domain';
import { fieldError, ruleRefusal } from '../../errors';
import type { LaunchInput as LaunchItemBody } from '../../schemas/items';
import { instantField } from '../shared/instant-field';

const badRequest = (field: string, message: string, messageZh: string) =>
  fieldError('validation_failed', field, message, messageZh, `${field}: ${message}`);
function duration(value: string, field: string): number {
  try {
    const ms = parseDuration(value);
    if (ms > MAX_HORIZON_MS) throw badRequest(field, 'must not be longer than ten years', '时长不能超过十年');
    return ms;
  } catch (error) {
    if (error instanceof DurationError) throw badRequest(field, error.message, `不是有效的 ISO-8601 时长（如 P2D 表示 2 天）：${value}`);
    throw error;
  }
}

export interface LaunchTiming {
  warnBeforeMs: number;
  signWithinMs: number;
  reportEveryMs: number | null;
  escalateAfterMs: number;
  urgeEscalateAfterMs: number | null;
  /** The item's deadline as given: an instant, or N working days from launch. */
  due: { at: Instant } | { workingDays: number };
  /** Per task, in form order: its own due instant when the form gave one. */
  taskDue: (Instant | undefined)[];
}

/** Parses durations and instants of the form, template defaults filled in (400 naming the field). */
export function parseLaunchTiming(input: LaunchItemBody, template: ItemTemplate, now: Instant): LaunchTiming {
  if (input.dueAt !== undefined && input.dueInWorkingDays !== undefined) {
    throw badRequest('body.dueInWorkingDays', 'give either dueAt or dueInWorkingDays, not both', '截止时间和工作日数只能填一项');
  }
  const warnBeforeMs = duration(
    input.warnBefore ?? template.warnBefore,
    input.warnBefore === undefined ? 'template.warnBefore' : 'body.warnBefore',
  );
  const signWithinMs = duration(
    input.signWithin ?? template.signWithin,
    input.signWithin === undefined ? 'template.signWithin' : 'body.signWithin',
  );
  if (signWithinMs <= 0) throw badRequest('body.signWithin', 'must be longer than zero', '签收期限须大于零');
  const reportSource = input.reportEvery === undefined ? template.reportEvery : input.reportEvery;
  const reportEveryMs =
    reportSource === null ? null : duration(reportSource, input.reportEvery === undefined ? 'template.reportEvery' : 'body.reportEvery');
  if (reportEveryMs !== null && reportEveryMs < MIN_REPORT_CADENCE_MS)
    throw badRequest(input.reportEvery === undefined ? 'template.reportEvery' : 'body.reportEvery', 'must be at least one minute', '进展反馈周期不能短于一分钟');
  const escalateAfterMs = duration(template.escalateAfter, 'template.escalateAfter');
  const urgeEscalateAfterMs = template.urgeEscalateAfter ? duration(template.urgeEscalateAfter, 'template.urgeEscalateAfter') : null;

  let due: LaunchTiming['due'];
  if (input.dueAt !== undefined) due = { at: instantField(input.dueAt, 'body.dueAt') };
  else if (input.dueInWorkingDays !== undefined) due = { workingDays: input.dueInWorkingDays };
  else if ('workingDays' in template.defaultDeadline) due = { workingDays: template.defaultDeadline.workingDays };
  else due = { at: now + duration(template.defaultDeadline.duration, 'template.defaultDeadline') };

  const taskDue = input.tasks.map((t, i) => (t.dueAt === undefined ? undefined : instantField(t.dueAt, `body.tasks.${i}.dueAt`)));
  // Checked before any calendar is built: a past date (even a past year) is the caller's mistake, never a calendar range error.
  if ('at' in due && due.at <= now)
    throw ruleRefusal(
      input.dueAt === undefined ? 'template.defaultDeadline' : 'body.dueAt',
      'the due date must be in the future',
      '截止时间须晚于现在',
    );
  if ('at' in due && beyondHorizon(due.at, now))
    throw ruleRefusal('body.dueAt', 'the due date must be within ten years', '截止时间不能晚于十年之后');
  taskDue.forEach((at, i) => {
    if (at !== undefined && at <= now)
      throw ruleRefusal(`body.tasks.${i}.dueAt`, 'the task’s due date must be in the future', '任务截止时间须晚于现在');
    if (at !== undefined && beyondHorizon(at, now))
      throw ruleRefusal(`body.tasks.${i}.dueAt`, 'the task’s due date must be within ten years', '任务截止时间不能晚于十年之后');
  });
  return { warnBeforeMs, signWithinMs, reportEveryMs, escalateAfterMs, urgeEscalateAfterMs, due, taskDue };
}

/** Years the calendar must cover for this launch (a working-day count may run well past a year). */
export function calendarYears(timing: Pick<LaunchTiming, 'due' | 'taskDue'>, now: Instant): { fromYear: number; toYear: number } {
  const chinaYear = (ms: Instant) => new Date(ms + 8 * 3_600_000).getUTCFullYear();
  const latest = Math.max(
    'at' in timing.due ? timing.due.at : now + (timing.due.workingDays * 2 + 40) * DAY_MS,
    ...timing.taskDue.filter((d): d is Instant => d !== undefined),
  );
  // Rolling a deadline off a holiday at year end can cross into January.
  const fromYear = chinaYear(now);
  return { fromYear, toYear: Math.max(fromYear, Math.min(chinaYear(latest + 15 * DAY_MS), fromYear + 20)) };
}

/** Rules about the set of tasks that need no database: one lead, no department twice. */
export function checkTaskSet(input: LaunchItemBody): void {
  const leads = input.tasks.filter((t) => t.role === 'lead').length;
  if (leads !== 1)
    throw ruleRefusal(
      'body.tasks',
      `exactly one task must have the role "lead" (found ${leads})`,
      `须有且只有一个牵头单位（现有 ${leads} 个）`,
    );
  const seen = new Map<string, number>();
  input.tasks.forEach((t, i) => {
    const first = seen.get(t.departmentId);
    if (first !== undefined)
      throw ruleRefusal(
        `body.tasks.${i}.departmentId`,
        `department already given for tasks.${first}; one task per department`,
        `该单位已在第 ${first + 1} 项任务中，每个单位只能有一项任务`,
      );
    seen.set(t.departmentId, i);
  });
}

export interface PlannedTask {
  id: string;
  departmentId: string;
  role: 'lead' | 'assist';
  dueAt: Instant;
  warnAt: Instant;
  signDueAt: Instant;
  policy: DeadlinePolicy;
  /** The state the workflow opens it with: answered at once and listed before the first projection. */
  initial: TaskState;
}

export interface LaunchPlan {
  dueAt: Instant;
  tasks: PlannedTask[];
}

/** Resolves every deadline on the calendar and checks them (422 naming the field). */
export function planDeadlines(
  input: LaunchItemBody,
  timing: LaunchTiming,
  template: ItemTemplate,
  calendar: WorkCalendar,
  ids: { itemId: string; taskIds: string[] },
  now: Instant,
): LaunchPlan {
  const base = { startAt: now, warnBeforeMs: timing.warnBeforeMs, signWithinMs: timing.signWithinMs };
  const item = resolveDeadlines(
    'at' in timing.due ? { ...base, dueAt: timing.due.at } : { ...base, dueInWorkingDays: timing.due.workingDays },
    calendar,
  );
  const dueField = input.dueInWorkingDays !== undefined ? 'body.dueInWorkingDays' : 'body.dueAt';
  if (item.dueAt <= now) throw ruleRefusal(dueField, 'the due date must be in the future', '截止时间须晚于现在');

  const tasks = input.tasks.map((t, i): PlannedTask => {
    const own = timing.taskDue[i];
    const field = `body.tasks.${i}.dueAt`;
    if (own !== undefined && own <= now) throw ruleRefusal(field, 'the task’s due date must be in the future', '任务截止时间须晚于现在');
    if (own !== undefined && own > item.dueAt)
      throw ruleRefusal(field, 'a task cannot be due after its item', '任务截止时间不能晚于事项截止时间');
    const resolved = own === undefined ? item : resolveDeadlines({ ...base, dueAt: own }, calendar);
    const policy: DeadlinePolicy = {
      warnBeforeMs: timing.warnBeforeMs,
      signWithinMs: timing.signWithinMs,
      reportEveryMs: timing.reportEveryMs,
      escalateAfterMs: timing.escalateAfterMs,
      paceMarginPercent: template.paceMarginPercent,
      // Only a deadline counted in working days moves when the calendar changes.
      workingDays: own === undefined && 'workingDays' in timing.due ? { count: timing.due.workingDays, from: now } : null,
      signWithinWorkingDays: null,
    };
    // Signing in can never be due after the task itself (short demo deadlines, long sign-in periods).
    const signDueAt = Math.min(resolved.signDueAt, resolved.dueAt);
    const warnAt = resolved.warnAt;
    const newTask = {
      id: ids.taskIds[i]!,
      itemId: ids.itemId,
      departmentId: t.departmentId,
      role: t.role,
      dueAt: resolved.dueAt,
      warnAt,
      signDueAt,
      policy,
    };
    const violation = validateNewTask(newTask, now);
    if (violation) throw ruleRefusal(violation.field ? `body.${violation.field}` : field, violation.message, violation.messageZh);
    return { ...newTask, initial: initialTaskState(newTask, now, calendar) };
  });
  return { dueAt: item.dueAt, tasks };
}
