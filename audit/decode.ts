// History events → the facts the audit needs, decoded with Temporal's default payload converter.
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { EventType, type HistoryEvent } from '../archive/histories';

type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

export function eventIdOf(e: HistoryEvent): number {
  return Number(e.eventId ?? 0);
}

/** Epoch ms of the event; seconds may be a Long (from Temporal), a number or a string (from JSON). */
export function eventTimeOf(e: HistoryEvent): number {
  const t = e.eventTime;
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000);
}

export function eventTypeName(e: HistoryEvent): string {
  const name = EventType[e.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
  return name.replace(/^EVENT_TYPE_/, '');
}

/** The JSON values of a Payloads list. */
export function decodePayloads(payloads: Payloads): unknown[] {
  return (payloads?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
}

export type Fact =
  /** A run's start; `patches`: the ids its history records as patched (fold.ts rawEventsOf fills them in). */
  | { kind: 'started'; input: unknown; patches?: ReadonlySet<string> }
  | { kind: 'task_started' }
  | { kind: 'signal'; name: string; args: unknown[] }
  | { kind: 'timer_fired'; timerId: string }
  | { kind: 'update_accepted'; updateId: string; name: string; args: unknown[] }
  | { kind: 'update_completed'; updateId: string; ok: boolean; result: unknown; failure: string | null }
  /** What a workflow's outbox sent to an activity (projection, timeline): its first argument. */
  | { kind: 'outbox'; activityType: string; input: unknown }
  | { kind: 'child_started'; workflowId: string }
  | { kind: 'closed'; how: 'completed' | 'continued_as_new' | 'failed' | 'terminated' | 'cancelled' | 'timed_out'; result: unknown }
  | { kind: 'other' };

/**
 * A local activity leaves only a marker with its type and result (not its input); the projection
 * activities answer with what they projected (activities/projection.ts), which stands in for it.
 */
function localActivityFact(e: HistoryEvent): Fact {
  const a = e.markerRecordedEventAttributes;
  if (a?.markerName !== LOCAL_ACTIVITY_MARKER) return { kind: 'other' };
  const data = decodePayloads(a.details?.data)[0] as { activity_type?: string } | undefined;
  const result = decodePayloads(a.details?.result)[0] as { projected?: unknown } | undefined;
  if (!data?.activity_type || result?.projected === undefined) return { kind: 'other' };
  return { kind: 'outbox', activityType: data.activity_type, input: result.projected };
}

/** The marker name Temporal's core SDK gives a completed local activity. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** The marker name Temporal's core SDK gives a `patched()` call that returned true, its id in `patch-data`. */
const PATCH_MARKER = 'core_patch';

/** The patch ids a run's history records: the workflow code took each patched branch in that run. */
export function patchIdsOf(events: readonly HistoryEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const e of events) {
    const marker = e.markerRecordedEventAttributes;
    if (e.eventType !== EventType.EVENT_TYPE_MARKER_RECORDED || marker?.markerName !== PATCH_MARKER) continue;
    const data = decodePayloads(marker.details?.['patch-data'])[0] as { id?: string } | undefined;
    if (data?.id) ids.add(data.id);
  }
  return ids;
}

type Duration = { seconds?: unknown; nanos?: number | null } | null | undefined;
const millisOf = (d: Duration) => (d ? Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1_000_000) : -1);

/**
 * The ids of the timers that only wait out a local activity's retry backoff. A failed attempt whose
 * backoff is longer than the local retry threshold leaves a marker with that backoff, and the SDK
 * starts a timer of the same length in the same workflow task to schedule the next attempt. Such a
 * timer wakes no workflow code: the task's wake-up loop sleeps on its own timer, so when it fires
 * there is no light to tick (a fold that ticked there recorded a light the workflow did not).
 */
export function backoffTimerIds(events: readonly HistoryEvent[]): Set<string> {
  const ids = new Set<string>();
  let waiting: number[] = [];
  for (const e of events) {
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) waiting = [];
    const marker = e.markerRecordedEventAttributes;
    if (e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && marker?.markerName === LOCAL_ACTIVITY_MARKER) {
      const data = decodePayloads(marker.details?.data)[0] as { backoff?: Duration } | undefined;
      if (data?.backoff) waiting.push(millisOf(data.backoff));
    }
    const timer = e.timerStartedEventAttributes;
    if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED && timer) {
      const at = waiting.indexOf(millisOf(timer.startToFireTimeout as Duration));
      if (at >= 0) {
        waiting.splice(at, 1);
        ids.add(timer.timerId ?? '');
      }
    }
  }
  return ids;
}

/** What one history event means to the audit. */
export function factOf(e: HistoryEvent): Fact {
  switch (e.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      return { kind: 'started', input: decodePayloads(e.workflowExecutionStartedEventAttributes?.input)[0] };
    case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
      return { kind: 'task_started' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
      const a = e.workflowExecutionSignaledEventAttributes;
      return { kind: 'signal', name: a?.signalName ?? '', args: decodePayloads(a?.input) };
    }
    case EventType.EVENT_TYPE_TIMER_FIRED:
      return { kind: 'timer_fired', timerId: e.timerFiredEventAttributes?.timerId ?? '' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
      const r = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
      return { kind: 'update_accepted', updateId: r?.meta?.updateId ?? '', name: r?.input?.name ?? '', args: decodePayloads(r?.input?.args) };
    }
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      const outcome = a?.outcome;
      const ok = outcome?.success != null;
      return {
        kind: 'update_completed',
        updateId: a?.meta?.updateId ?? '',
        ok,
        result: ok ? decodePayloads(outcome?.success)[0] : null,
        failure: ok ? null : (outcome?.failure?.message ?? 'failed'),
      };
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const a = e.activityTaskScheduledEventAttributes;
      return { kind: 'outbox', activityType: a?.activityType?.name ?? '', input: decodePayloads(a?.input)[0] };
    }
    case EventType.EVENT_TYPE_MARKER_RECORDED:
      return localActivityFact(e);
    case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
      return { kind: 'child_started', workflowId: e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? '' };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return { kind: 'closed', how: 'completed', result: decodePayloads(e.workflowExecutionCompletedEventAttributes?.result)[0] };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return { kind: 'closed', how: 'continued_as_new', result: null };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return { kind: 'closed', how: 'failed', result: e.workflowExecutionFailedEventAttributes?.failure?.message ?? null };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return { kind: 'closed', how: 'terminated', result: e.workflowExecutionTerminatedEventAttributes?.reason ?? null };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      return { kind: 'closed', how: 'cancelled', result: null };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      return { kind: 'closed', how: 'timed_out', result: null };
    default:
      return { kind: 'other' };
  }
}
