// What a task makes of the messages that cannot be refused to their sender (signals from the item or
// the calendar) and of its own wake-up timer. Used alike by the task workflow and by audit replay.
import { evaluateLight, isClosedStatus } from './lights';
import { validateTaskAction } from './task-validation';
import type { Actor, Instant, LightReason, RuleViolation, TaskEvent, TaskState } from './types';

/** The calendar changed: the task's deadlines as recomputed (working days). */
export interface DeadlinesChange {
  dueAt: Instant;
  warnAt: Instant;
  signDueAt?: Instant;
  reason: string;
  /** Who changed the calendar; the system when absent. */
  actor?: Actor;
}

export type TaskSignal =
  | { type: 'deadlines_recomputed'; change: DeadlinesChange; systemActor: Actor }
  | { type: 'cancel'; actor: Actor; reason: string }
  /** The item's deadline changed: an open task follows it. */
  | { type: 'follow_deadline'; actor: Actor; dueAt: Instant; reason: string };

/**
 * The event a signal stands for at `now`: null when the task ignores it (a cancel reaching a task
 * already closed), else the event with the rules' refusal (logged and dropped by the workflow).
 */
export function signalledTaskEvent(state: TaskState, signal: TaskSignal, now: Instant): { event: TaskEvent; refused: RuleViolation | null } | null {
  let event: TaskEvent;
  if (signal.type === 'cancel' || signal.type === 'follow_deadline') {
    if (isClosedStatus(state.status)) return null;
    event =
      signal.type === 'cancel'
        ? { type: 'cancel', actor: signal.actor, at: now, reason: signal.reason }
        : { type: 'deadline_set', actor: signal.actor, at: now, dueAt: signal.dueAt, reason: signal.reason };
  } else {
    const c = signal.change;
    event = {
      type: 'deadlines_recomputed',
      actor: c.actor ?? signal.systemActor,
      at: now,
      dueAt: c.dueAt,
      warnAt: c.warnAt,
      reason: c.reason,
      ...(c.signDueAt !== undefined ? { signDueAt: c.signDueAt } : {}),
    };
  }
  return { event, refused: validateTaskAction(state, event, now) };
}

const codes = (r: readonly LightReason[]) => r.map((x) => x.code).join();

/** Whether a wake-up at `now` changes the task's light or its reasons (else the timer just re-arms). */
export function lightWouldChange(state: TaskState, now: Instant): boolean {
  if (isClosedStatus(state.status)) return false;
  const fresh = evaluateLight(state, now);
  return fresh.light !== state.light || codes(fresh.reasons) !== codes(state.lightReasons);
}
