// Regressions (found by tests/integration/engine/engine-properties.test.ts, seed 11):
// - The audit replay at a fired timer or a signal cut at the start of the workflow task that handled
//   it, without that task's Updates (which the workflow runs before a wake-up): a light that never
//   was. Asked at the last event before that task (as the property test did), it took in the
//   signals and timers that had arrived for it too: one version ahead, or a calendar change early.
// - A projection's marker holds the state the workflow had when it scheduled the local activity:
//   where it completes in a later workflow task, after a signal, the replay at the marker is the newer
//   state, and the recorded one is the replay where the workflow last had that version.
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { applyTaskEvent, openTask, SYSTEM_ACTOR, taskToWire, type TaskState, type TaskWire } from '../../../domain';
import { DAY_MS } from '../../../domain/durations';
import { EventType, type ItemHistories } from '../../../archive/histories';
import { replayItemAt } from '../../../audit/replay';
import type { DeadlinesRecomputedArgs, TaskInput } from '../../../workflows/task-definitions';
import { projectionReference } from '../../support/projection-reference';
import { deptActor, newTask, supervisor, T0 } from '../domain/task-fixtures';

const input: TaskInput = {
  task: newTask({ dueAt: T0 + 10 * DAY_MS }),
  item: { id: 'i1', code: 'DB-1', title: '事项', kind: 'leadership_instruction', issuedBy: 'u-lead' },
  parentWorkflowId: 'item-i1',
  options: { urgeEscalateAfterMs: null },
  openedBy: supervisor,
};
const staff = deptActor('d1');
const payloads = (...values: unknown[]) => ({ payloads: values.map((v) => defaultPayloadConverter.toPayload(v)) });
const time = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

type Event = Record<string, unknown> & { eventId: number };
const ev = (eventId: number, at: number, eventType: number, attributes: Record<string, unknown> = {}): Event => ({ eventId, eventTime: time(at), eventType, ...attributes });
const started = () => ev(1, T0, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: { input: payloads(input) } });
const wftStarted = (id: number, at: number) => ev(id, at, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
const wftScheduled = (id: number, at: number) => ev(id, at, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
const wftCompleted = (id: number, at: number) => ev(id, at, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
const timerFired = (id: number, at: number) => ev(id, at, EventType.EVENT_TYPE_TIMER_FIRED, { timerFiredEventAttributes: { timerId: String(id) } });
const signUpdate = (id: number, at: number) =>
  ev(id, at, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
    workflowExecutionUpdateAcceptedEventAttributes: { acceptedRequest: { meta: { updateId: `u${id}` }, input: { name: 'sign', args: payloads({ actor: staff }) } } },
  });
const calendarSignal = (id: number, at: number, change: DeadlinesRecomputedArgs) =>
  ev(id, at, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, { workflowExecutionSignaledEventAttributes: { signalName: 'deadlinesRecomputed', input: payloads(change) } });
const projection = (id: number, at: number, task: TaskState) =>
  ev(id, at, EventType.EVENT_TYPE_MARKER_RECORDED, {
    markerRecordedEventAttributes: {
      markerName: 'core_local_activity',
      details: { data: payloads({ activity_type: 'projectTask' }), result: payloads({ written: true, projected: { task, workflowId: 'task-t1', transferredFrom: null, timeline: [] } }) },
    },
  });

const histories = (events: Event[]): ItemHistories => ({
  itemId: 'i1',
  source: 'archive',
  runs: [{ workflowId: 'task-t1', runId: 'r1', kind: 'task', runIndex: 0, history: { events } as never }],
});
const replayAt = (h: ItemHistories, eventId: number): TaskWire | undefined =>
  replayItemAt(h, { kind: 'event', workflowId: 'task-t1', runId: 'r1', eventId }).tasks[0];

const opened = openTask(input.task, T0).state;
const DUE_SOON = T0 + 8 * DAY_MS; // dueAt less the policy's two days' warning

describe('audit replay at a fired timer', () => {
  // The sign-in deadline (a day) passes; its timer's workflow task also runs a sign Update.
  const t8 = T0 + DAY_MS + 1_000;
  const t14 = DUE_SOON + 100;
  const signed = applyTaskEvent(opened, { type: 'sign', actor: staff, at: t8 }, t8).state;
  const warned = applyTaskEvent(signed, { type: 'tick', actor: SYSTEM_ACTOR, at: t14 }, t14).state;
  const h = histories([
    started(),
    wftScheduled(2, T0),
    wftStarted(3, T0),
    wftCompleted(4, T0 + 50),
    timerFired(6, T0 + DAY_MS + 500),
    wftScheduled(7, T0 + DAY_MS + 500),
    wftStarted(8, t8),
    wftCompleted(9, t8 + 50),
    signUpdate(10, t8 + 50),
    wftScheduled(12, t8 + 60),
    // Arrived for the next workflow task, which the timer of the warning wakes.
    timerFired(13, DUE_SOON + 1),
    wftStarted(14, t14),
  ]);

  it('is the state its workflow task left: the sign ran first, no sign-in-overdue yellow that never was', () => {
    expect(signed).toMatchObject({ version: 1, status: 'signed', light: 'green' });
    expect(replayAt(h, 6)).toEqual(taskToWire(signed));
  });

  it('leaves out what arrived for the next workflow task (not one version ahead)', () => {
    expect(replayAt(h, 12)).toEqual(taskToWire(signed));
    expect(replayAt(h, 13)).toEqual(taskToWire(warned));
    expect(warned).toMatchObject({ version: 2, light: 'yellow' });
  });
});

describe('audit replay at a calendar signal', () => {
  const t8 = T0 + 1_000;
  const t14 = T0 + 5_000;
  const change: DeadlinesRecomputedArgs = { dueAt: T0 + 12 * DAY_MS, warnAt: T0 + 10 * DAY_MS, reason: 'holiday' };
  const signed = applyTaskEvent(opened, { type: 'sign', actor: staff, at: t8 }, t8).state;
  const moved = applyTaskEvent(signed, { type: 'deadlines_recomputed', actor: SYSTEM_ACTOR, at: t14, dueAt: change.dueAt, warnAt: change.warnAt, reason: change.reason }, t14).state;
  // The projection of the sign outlives its workflow task (the worker heartbeats it into the next
  // one), where the calendar signal is applied before it completes.
  const h = histories([
    started(),
    wftScheduled(2, T0),
    wftStarted(3, T0),
    wftCompleted(4, T0 + 50),
    wftScheduled(5, t8 - 10),
    wftStarted(6, t8),
    wftCompleted(7, t8 + 50),
    signUpdate(8, t8 + 50),
    wftScheduled(10, t8 + 60),
    calendarSignal(11, t8 + 500, change),
    wftStarted(12, t14),
    wftCompleted(13, t14 + 50),
    projection(14, t14 + 50, signed),
    projection(15, t14 + 60, moved),
  ]);

  it('is the state with the deadlines moved, in the workflow task that applied it', () => {
    expect(replayAt(h, 11)).toEqual(taskToWire(moved));
    expect(replayAt(h, 10)).toEqual(taskToWire(signed));
  });

  it('replays a late projection marker as the newer state; the recorded one is where that version last held', () => {
    expect(replayAt(h, 14)).toEqual(taskToWire(moved));
    const points = [
      { cut: 8, position: 7, version: 1 },
      { cut: 11, position: 9, version: 2 },
    ];
    const reference = projectionReference(14, 12, signed.version, points);
    expect(reference).toBe(8);
    expect(replayAt(h, reference)).toEqual(taskToWire(signed));
    expect(projectionReference(15, 13, moved.version, points)).toBe(11);
    expect(projectionReference(14, 12, 7, points)).toBe(14);
  });
});
