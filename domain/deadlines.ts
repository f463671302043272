// Turning the launch form's deadline inputs into instants on the working-day calendar.
//
// Rule: a deadline that lands on a day off rolls to the end of the next working day — but only
// day-scale deadlines (at least one day after the start). Sub-day deadlines (PT5S demos, tests,
// urgent same-day tasks) are kept exactly as given, whatever the day.
import { addWorkingDays, rollToWorkingDay } from './calendar';
import type { WorkCalendar } from './calendar';
import { DAY_MS } from './durations';
import type { Instant, TaskState } from './types';

export interface DeadlineRequest {
  /** When the clock starts (item launch, or task creation). */
  startAt: Instant;
  /** Either an absolute due instant… */
  dueAt?: Instant;
  /** …or a number of working days (see calendar.ts for the end-of-day rule). */
  dueInWorkingDays?: number;
  warnBeforeMs: number;
  signWithinMs: number;
  /** When set, the sign-in deadline is this many working days instead of signWithinMs. */
  signWithinWorkingDays?: number | null;
}

export interface ResolvedDeadlines {
  dueAt: Instant;
  warnAt: Instant;
  signDueAt: Instant;
}

function rollIfDayScale(startAt: Instant, at: Instant, calendar: WorkCalendar): Instant {
  return at - startAt >= DAY_MS ? rollToWorkingDay(at, calendar) : at;
}

export function resolveDeadlines(req: DeadlineRequest, calendar: WorkCalendar): ResolvedDeadlines {
  let dueAt: Instant;
  if (req.dueInWorkingDays !== undefined) dueAt = addWorkingDays(req.startAt, req.dueInWorkingDays, calendar);
  else if (req.dueAt !== undefined) dueAt = rollIfDayScale(req.startAt, req.dueAt, calendar);
  else throw new RangeError('a deadline needs dueAt or dueInWorkingDays');
  const signDueAt =
    req.signWithinWorkingDays != null
      ? addWorkingDays(req.startAt, req.signWithinWorkingDays, calendar)
      : rollIfDayScale(req.startAt, req.startAt + req.signWithinMs, calendar);
  return { dueAt, warnAt: dueAt - req.warnBeforeMs, signDueAt };
}

export interface RecomputedDeadlines {
  dueAt: Instant;
  warnAt: Instant;
  signDueAt?: Instant;
}

/**
 * After a working-day calendar change: the deadlines a working-day task should now have, or null
 * when nothing changes. The workflow turns a non-null answer into a `deadlines_recomputed` event.
 */
export function recomputeDeadlines(state: TaskState, calendar: WorkCalendar): RecomputedDeadlines | null {
  const { workingDays, signWithinWorkingDays, warnBeforeMs } = state.policy;
  const from = workingDays?.from ?? state.startedAt;
  // A postponed task's current dueAt is an approved absolute date; only its original clock is recomputed.
  const currentDue = state.postponed ? state.originalDueAt : state.dueAt;
  const dueAt = workingDays ? addWorkingDays(from, workingDays.count, calendar) : currentDue;
  const signDueAt =
    state.status === 'assigned' && signWithinWorkingDays != null
      ? addWorkingDays(state.startedAt, signWithinWorkingDays, calendar)
      : undefined;
  const dueChanged = dueAt !== currentDue;
  const signChanged = signDueAt !== undefined && signDueAt !== state.signDueAt;
  if (!dueChanged && !signChanged) return null;
  const warnAt = state.postponed || !dueChanged ? state.warnAt : dueAt - warnBeforeMs;
  const dueForEvent = dueChanged ? dueAt : currentDue;
  return signChanged && signDueAt !== undefined
    ? { dueAt: dueForEvent, warnAt: Math.min(warnAt, dueForEvent), signDueAt }
    : { dueAt: dueForEvent, warnAt: Math.min(warnAt, dueForEvent) };
}
