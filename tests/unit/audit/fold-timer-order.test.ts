// Regression (found by tests/integration/engine/engine-properties.test.ts): when a timer fires and an
// Update arrives in the same workflow task, the SDK runs the Update first and the wake-up after it.
// The audit fold used to tick first, so its replay showed a light change and a version the workflow
// never had, and differed from the result the Update returned.
import { describe, expect, it } from 'vitest';
import { applyTaskEvent, openTask } from '../../../domain';
import { DAY_MS } from '../../../domain/durations';
import { defaultPayloadConverter } from '@temporalio/common';
import { EventType, type HistoryEvent, type RecordedRun } from '../../../archive/histories';
import { foldTask, rawEventsOf, type RawEvent } from '../../../audit/fold';
import type { Fact } from '../../../audit/decode';
import type { TaskInput } from '../../../workflows/task-definitions';
import { deptActor, newTask, supervisor, T0 } from '../domain/task-fixtures';

const input: TaskInput = {
  task: newTask({ dueAt: T0 + 10 * DAY_MS }),
  item: { id: 'i1', code: 'DB-1', title: '事项', kind: 'leadership_instruction', issuedBy: 'u-lead' },
  parentWorkflowId: 'item-i1',
  options: { urgeEscalateAfterMs: null },
  openedBy: supervisor,
};

function raw(eventId: number, time: number, eventType: number, fact: Fact): RawEvent {
  return { workflowId: 'task-t1', runId: 'r1', runIndex: 0, kind: 'task', eventId, time, event: { eventId, eventType } as unknown as HistoryEvent, fact };
}

// Signed a second after the sign-in deadline (a day), in the workflow task its wake-up timer woke.
const signedAt = T0 + DAY_MS + 1_000;
const history: RawEvent[] = [
  raw(1, T0, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { kind: 'started', input }),
  raw(3, T0, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, { kind: 'task_started' }),
  raw(8, T0 + DAY_MS, EventType.EVENT_TYPE_TIMER_FIRED, { kind: 'timer_fired', timerId: '1' }),
  raw(10, signedAt, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, { kind: 'task_started' }),
  raw(12, signedAt, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, { kind: 'update_accepted', updateId: 'u1', name: 'sign', args: [{ actor: deptActor('d1') }] }),
];

describe('audit fold: a timer and an Update in one workflow task', () => {
  it('applies the Update before the wake-up, as the workflow did: no yellow light that never was', () => {
    const opened = openTask(input.task, T0).state;
    const workflow = applyTaskEvent(opened, { type: 'sign', actor: deptActor('d1'), at: signedAt }, signedAt).state;

    const fold = foldTask(history);
    expect(fold.state).toEqual(workflow);
    expect(fold.state).toMatchObject({ version: 1, status: 'signed', light: 'green' });
    expect(fold.entries.map((e) => e.action)).toEqual(['assigned', 'sign']);
  });

  it('still wakes a timer alone in its workflow task: sign-in overdue turns the light yellow', () => {
    const fold = foldTask(history.slice(0, 4));
    expect(fold.state).toMatchObject({ version: 1, status: 'assigned', light: 'yellow', lightReasons: [{ code: 'sign_overdue' }] });
    expect(fold.entries.map((e) => e.action)).toEqual(['assigned', 'light_changed']);
  });
});

describe('audit fold: a workflow task that timed out', () => {
  it('opens the task at the clock of the attempt that ran, not of the one the busy worker lost', () => {
    const lostAt = T0;
    const ranAt = T0 + 12_000;
    const time = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
    const history = {
      events: [
        { eventId: 1, eventTime: time(T0), eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, workflowExecutionStartedEventAttributes: { input: { payloads: [defaultPayloadConverter.toPayload(input)] } } },
        { eventId: 2, eventTime: time(T0), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED },
        { eventId: 3, eventTime: time(lostAt), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED },
        { eventId: 4, eventTime: time(lostAt + 10_000), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT },
        { eventId: 5, eventTime: time(lostAt + 10_000), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED },
        { eventId: 6, eventTime: time(ranAt), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED },
        { eventId: 7, eventTime: time(ranAt + 50), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED },
      ],
    } as unknown as RecordedRun['history'];
    const fold = foldTask(rawEventsOf([{ workflowId: 'task-t1', runId: 'r1', kind: 'task', runIndex: 0, history }]));
    expect(fold.state).toEqual(openTask(input.task, ranAt).state);
    expect(fold.state).toMatchObject({ startedAt: ranAt, signDueAt: ranAt + input.task.policy.signWithinMs });
  });
});

describe('audit fold: a local activity retry timer', () => {
  // The projection failed (Postgres down) and its next attempt waits on a 2 s timer; the workflow's own
  // wake-up is set for the sign-in deadline. The retry timer fires after that deadline has passed,
  // but wakes no workflow code: the workflow turns the light when its own timer fires, not before.
  const time = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
  const payloads = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)] });
  const deadline = T0 + input.task.policy.signWithinMs;
  const failedAt = deadline - 1_000;
  const ownWakeUp = deadline + 5_000; // the wake-up timer fired late (a busy server)
  const history = {
    events: [
      { eventId: 1, eventTime: time(T0), eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, workflowExecutionStartedEventAttributes: { input: payloads(input) } },
      { eventId: 2, eventTime: time(T0), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED },
      { eventId: 3, eventTime: time(T0), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED },
      { eventId: 4, eventTime: time(T0), eventType: EventType.EVENT_TYPE_TIMER_STARTED, timerStartedEventAttributes: { timerId: '1', startToFireTimeout: time(deadline - T0) } },
      { eventId: 5, eventTime: time(failedAt), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED },
      { eventId: 6, eventTime: time(failedAt), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED },
      {
        eventId: 7,
        eventTime: time(failedAt),
        eventType: EventType.EVENT_TYPE_MARKER_RECORDED,
        markerRecordedEventAttributes: { markerName: 'core_local_activity', details: { data: payloads({ activity_type: 'projectTask', attempt: 2, backoff: { seconds: 2, nanos: 0 } }) } },
      },
      { eventId: 8, eventTime: time(failedAt), eventType: EventType.EVENT_TYPE_TIMER_STARTED, timerStartedEventAttributes: { timerId: '2', startToFireTimeout: time(2_000) } },
      { eventId: 9, eventTime: time(failedAt + 2_000), eventType: EventType.EVENT_TYPE_TIMER_FIRED, timerFiredEventAttributes: { timerId: '2' } },
      { eventId: 10, eventTime: time(failedAt + 2_000), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED },
      { eventId: 11, eventTime: time(failedAt + 2_010), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED },
      { eventId: 12, eventTime: time(ownWakeUp), eventType: EventType.EVENT_TYPE_TIMER_FIRED, timerFiredEventAttributes: { timerId: '1' } },
      { eventId: 13, eventTime: time(ownWakeUp), eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED },
    ],
  } as unknown as RecordedRun['history'];
  const run = (events: number) => [{ workflowId: 'task-t1', runId: 'r1', kind: 'task' as const, runIndex: 0, history: { events: (history.events ?? []).slice(0, events) } as RecordedRun['history'] }];

  it('does not tick when the retry timer fires, though the deadline has passed', () => {
    const fold = foldTask(rawEventsOf(run(11)));
    expect(fold.state).toMatchObject({ version: 0, light: 'green' });
  });

  it('ticks at the workflow task its own wake-up timer started, as the workflow did', () => {
    const fold = foldTask(rawEventsOf(run(13)));
    expect(fold.state).toMatchObject({ version: 1, light: 'yellow' });
    expect(fold.entries.filter((e) => e.action === 'light_changed').map((e) => e.at)).toEqual([ownWakeUp]);
  });
});
