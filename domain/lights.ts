// The light rules (DESIGN.md "Lights"). Every rule is a trigger instant derived from the state, so
// evaluateLight and nextWakeAt read the same list and can never disagree about when a light changes.
import { instantAfterWorkingMs, workingMsBetween } from './calendar';
import type { WorkCalendar } from './calendar';
import * as reasons from './light-reasons';
import { CLOSED_TASK_STATUSES } from './types';
import type { ClosedTaskStatus, Instant, Light, LightReason, LightReasonCode, TaskState, TaskStatus } from './types';

export interface LightTrigger {
  /** The light applies from this instant on (inclusive). */
  at: Instant;
  light: Exclude<Light, 'green'>;
  reason: LightReason;
}

export interface LightEvaluation {
  light: Light;
  /** The most important reason; `on_track` when green. */
  reason: LightReason;
  /** Every reason for this light, most important first. */
  reasons: LightReason[];
}

// Most actionable first: a missing signature explains more than a nearing due date.
const REASON_ORDER: readonly LightReasonCode[] = [
  'due_passed',
  'escalated_sign',
  'escalated_report',
  'sign_overdue',
  'report_overdue',
  'warning_window',
  'pace_lag',
  'on_track',
];

const LIGHT_RANK: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

export function worseLight(a: Light, b: Light): Light {
  return LIGHT_RANK[b] > LIGHT_RANK[a] ? b : a;
}

export function isClosedStatus(status: TaskStatus): status is ClosedTaskStatus {
  return (CLOSED_TASK_STATUSES as readonly TaskStatus[]).includes(status);
}

export function isOpenTask(state: Pick<TaskState, 'status'>): boolean {
  return !isClosedStatus(state.status);
}

/** Reporting and pace rules apply while the department is working on it (signed, not yet submitted). */
function isWorking(status: TaskStatus): boolean {
  return status === 'signed' || status === 'in_progress';
}

/**
 * When reported progress starts to lag the share of time used by MORE than the margin:
 * the first instant t with (share of [startedAt, dueAt] elapsed at t) − percent > margin.
 * With a calendar the share is of working time (序时进度); without, of elapsed time.
 */
export function paceLagAt(state: TaskState, calendar?: WorkCalendar): Instant | null {
  const margin = state.policy.paceMarginPercent;
  if (margin == null || !isWorking(state.status) || state.dueAt <= state.startedAt) return null;
  const threshold = (state.percent ?? 0) + margin; // percentage points of the time share
  if (threshold >= 100) return null;
  if (!calendar) {
    const at = state.startedAt + Math.floor((threshold * (state.dueAt - state.startedAt)) / 100) + 1;
    return at < state.dueAt ? at : null;
  }
  const total = workingMsBetween(state.startedAt, state.dueAt, calendar);
  if (total <= 0) return null;
  const needed = Math.floor((threshold * total) / 100) + 1;
  const at = instantAfterWorkingMs(state.startedAt, needed, calendar, state.dueAt);
  return at !== null && at < state.dueAt ? at : null;
}

/** Every instant at which an open task's light rules switch on (empty for a closed task). */
export function lightTriggers(state: TaskState, calendar?: WorkCalendar): LightTrigger[] {
  if (isClosedStatus(state.status)) return [];
  const { policy } = state;
  const triggers: LightTrigger[] = [
    { at: state.dueAt, light: 'red', reason: reasons.duePassed() },
    { at: state.warnAt, light: 'yellow', reason: reasons.warningWindow(state.dueAt, state.warnAt) },
  ];
  if (state.status === 'assigned') {
    triggers.push(
      { at: state.signDueAt, light: 'yellow', reason: reasons.signOverdue(policy) },
      { at: state.signDueAt + policy.escalateAfterMs, light: 'red', reason: reasons.escalatedSign(policy) },
    );
  }
  if (isWorking(state.status) && policy.reportEveryMs != null) {
    const reportDueAt = (state.lastReportAt ?? state.startedAt) + policy.reportEveryMs;
    triggers.push(
      { at: reportDueAt, light: 'yellow', reason: reasons.reportOverdue(policy) },
      { at: reportDueAt + policy.escalateAfterMs, light: 'red', reason: reasons.escalatedReport(policy) },
    );
  }
  const paceAt = paceLagAt(state, calendar);
  if (paceAt !== null && policy.paceMarginPercent != null) {
    triggers.push({ at: paceAt, light: 'yellow', reason: reasons.paceLag(state.percent ?? 0, policy.paceMarginPercent) });
  }
  return triggers;
}

/**
 * The light at `now`. A closed task (accepted, transferred, cancelled) keeps the light it had when
 * it closed; item roll-ups ignore closed tasks.
 */
export function evaluateLight(state: TaskState, now: Instant, calendar?: WorkCalendar): LightEvaluation {
  if (isClosedStatus(state.status)) {
    const frozen = state.lightReasons.length > 0 ? state.lightReasons : [reasons.onTrack()];
    return { light: state.light, reason: frozen[0] ?? reasons.onTrack(), reasons: frozen };
  }
  const active = lightTriggers(state, calendar).filter((t) => now >= t.at);
  const light = active.reduce<Light>((worst, t) => worseLight(worst, t.light), 'green');
  const list =
    light === 'green'
      ? [reasons.onTrack()]
      : active
          .filter((t) => t.light === light)
          .map((t) => t.reason)
          .sort((a, b) => REASON_ORDER.indexOf(a.code) - REASON_ORDER.indexOf(b.code));
  return { light, reason: list[0] ?? reasons.onTrack(), reasons: list };
}

/**
 * The earliest instant after `now` at which evaluateLight could give another answer, or null when
 * nothing but an event can change it. The workflow arms one timer for it and re-arms after events.
 */
export function nextWakeAt(state: TaskState, now: Instant, calendar?: WorkCalendar): Instant | null {
  const current = sameAs(evaluateLight(state, now, calendar));
  const future = [...new Set(lightTriggers(state, calendar).map((t) => t.at))].filter((at) => at > now).sort((a, b) => a - b);
  // Skip instants hidden by a worse light already on (e.g. a warning while already red).
  for (const at of future) {
    if (!current(evaluateLight(state, at, calendar))) return at;
  }
  return null;
}

function sameAs(a: LightEvaluation): (b: LightEvaluation) => boolean {
  const key = (e: LightEvaluation) => `${e.light}|${e.reasons.map((r) => `${r.code}:${r.en}`).join(',')}`;
  const ka = key(a);
  return (b) => key(b) === ka;
}

/** An instant from which a light applies, with the reason it will be recorded with. */
export interface LightInstant {
  at: Instant;
  reason: LightReason;
}

/**
 * When an open task's state turns yellow (or worse) and red if nothing happens: the first trigger
 * instant of each, and the reason evaluateLight gives at that instant. Independent of the clock: an
 * instant may already lie in the past (its timer has not landed yet); a red instant is also a
 * yellow-or-worse one, so `yellow.at <= red.at` whenever both exist. Null for a closed task (frozen).
 */
export interface LightSchedule {
  yellow: LightInstant | null;
  red: LightInstant | null;
}

export function lightSchedule(state: TaskState, calendar?: WorkCalendar): LightSchedule {
  const triggers = lightTriggers(state, calendar);
  const first = (list: LightTrigger[]): LightInstant | null => {
    if (list.length === 0) return null;
    const at = Math.min(...list.map((t) => t.at));
    return { at, reason: evaluateLight(state, at, calendar).reason };
  };
  return { yellow: first(triggers), red: first(triggers.filter((t) => t.light === 'red')) };
}

/**
 * The instants after `now` at which the task's light will next turn yellow and red unless something
 * happens: null where its light at `now` already is that or worse (or the task is closed).
 */
export function nextLightInstants(state: TaskState, now: Instant, calendar?: WorkCalendar): LightSchedule {
  const schedule = lightSchedule(state, calendar);
  return pendingInstants(evaluateLight(state, now, calendar).light, schedule);
}

/** A schedule's instants not yet shown by `light` (what a screen showing `light` still has to flip). */
export function pendingInstants(light: Light, schedule: LightSchedule): LightSchedule {
  return { yellow: light === 'green' ? schedule.yellow : null, red: light === 'red' ? null : schedule.red };
}

/** A light as stored in a read model, with its reason, and the schedule stored next to it. */
export interface StoredLight {
  light: Light;
  reason: LightReason;
  schedule: LightSchedule;
}

/**
 * THE rule every read applies: the light at the instant of reading is the stored one, made worse by
 * any schedule instant that has passed (inclusive), with that instant's reason. A stored light that
 * is already as bad keeps its own reason. db/queries/lights.ts holds the same rule in SQL
 * (`effective_light`, migration 0020) for filters and counts; a test checks they agree.
 */
export function effectiveLight(stored: StoredLight, now: Instant): { light: Light; reason: LightReason } {
  const { yellow, red } = stored.schedule;
  if (red !== null && now >= red.at && stored.light !== 'red') return { light: 'red', reason: red.reason };
  if (yellow !== null && now >= yellow.at && stored.light === 'green') return { light: 'yellow', reason: yellow.reason };
  return { light: stored.light, reason: stored.reason };
}

/**
 * Whether a task's change must be told to its item: only what changes the item's status (or the
 * tasks it has, a transfer, which is told on its own). Lights are not: every read computes the
 * item's light from its tasks' stored lights and schedules (db/queries/lights.ts).
 */
export function taskChangeConcernsItem(told: Pick<TaskState, 'status'> | null, now: Pick<TaskState, 'status'>): boolean {
  return told === null || told.status !== now.status;
}
