// Folds recorded histories through domain/ — the very functions the workflows call — into the task
// and item states, and into audit entries (who did what, when). It decides nothing itself: it finds
// each event's time (the workflow's clock is the WorkflowTaskStarted time of the task that handled
// it) and hands the event to domain/, then turns the effects into entries.
import {
  applyItemEvent,
  applyTaskEvent,
  ItemRuleError,
  launchItem,
  lightWouldChange,
  openTask,
  signalledTaskEvent,
  SYSTEM_ACTOR,
  taskChangedEvent,
  TaskRuleError,
} from '../domain';
import type { Actor, Instant, ItemEffect, ItemEvent, ItemState, TaskEffect, TaskEvent, TaskState, TaskWire } from '../domain';
import type { ProjectItemInput, ProjectTaskInput, TimelineEntry } from '../workflows/outbox-contract';
import { taskChangedSignal, type ItemInput, type TaskChangedArgs } from '../workflows/item-definitions';
import { itemEventOf } from '../workflows/item-events';
import { taskEventOf } from '../workflows/task-events';
import { RecentUpdates } from '../workflows/recent-updates';
import { CATCH_UP_BEFORE_SLEEP } from '../workflows/hand-over';
import { OPEN_AT_EXECUTION_START } from '../workflows/opening';
import {
  cancelTaskSignal,
  deadlinesRecomputedSignal,
  followDeadlineSignal,
  type CancelTaskArgs,
  type DeadlinesRecomputedArgs,
  type FollowDeadlineArgs,
  type TaskInput,
} from '../workflows/task-definitions';
import { backoffTimerIds, eventIdOf, eventTimeOf, eventTypeName, factOf, patchIdsOf, type Fact } from './decode';
import { EventType, eventsOf, type HistoryEvent, type RecordedRun, type WorkflowKind } from '../archive/histories';

/** One history event of one run, with its place in the workflow's chain of runs. */
export interface RawEvent {
  workflowId: string;
  runId: string;
  runIndex: number;
  kind: WorkflowKind;
  eventId: number;
  /** When Temporal recorded it (epoch ms). */
  time: Instant;
  event: HistoryEvent;
  fact: Fact;
}

export interface EntryRef {
  workflowId: string;
  runId: string;
  eventId: number;
  eventType: string;
  /** When Temporal recorded the event. */
  recordedAt: Instant;
}

/** Something that happened, in the domain's terms, pointing at the history event it came from. */
export interface AuditEntry {
  ref: EntryRef;
  scope: WorkflowKind;
  itemId: string;
  taskId: string | null;
  /** The task's department (task entries). */
  departmentId: string | null;
  /** The workflow's clock when it applied the event. */
  at: Instant;
  action: string;
  actor: Actor | null;
  details: Record<string, unknown>;
  /** Set when the workflow refused or failed it after it entered history. */
  refused?: string;
  /** The decoded payload of the history event (Update args, signal args, activity input…). */
  payload: unknown;
}

export interface TaskFold {
  workflowId: string;
  input: TaskInput | null;
  state: TaskState | null;
  entries: AuditEntry[];
  /** The last state the workflow handed to its projection activity. */
  recorded: TaskState | null;
  /** Timeline entries the workflow recorded through its activities (what item_events holds). */
  timeline: TimelineEntry[];
  /** Final result when the last run completed. */
  result: TaskWire | null;
  closed: boolean;
}

export interface ItemFold {
  workflowId: string;
  input: ItemInput | null;
  state: ItemState | null;
  entries: AuditEntry[];
  recorded: ItemState | null;
  timeline: TimelineEntry[];
  result: unknown;
  closed: boolean;
}

const WASTED: ReadonlySet<number> = new Set([EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]);

/** A workflow's runs as one ordered list of raw events. */
export function rawEventsOf(runs: readonly RecordedRun[]): RawEvent[] {
  const out: RawEvent[] = [];
  for (const run of runs) {
    const events = eventsOf(run.history);
    const backoffTimers = backoffTimerIds(events);
    const patches = patchIdsOf(events);
    for (const [index, event] of events.entries()) {
      // A workflow task that timed out or failed (a worker too busy, or killed) ran nothing that
      // counts: its signals and timers are handed to the next attempt, at that attempt's clock.
      const lost = event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && WASTED.has(events[index + 1]?.eventType ?? 0);
      const decoded = lost ? ({ kind: 'other' } as const) : factOf(event);
      const fact = decoded.kind === 'started' ? { ...decoded, patches } : decoded;
      out.push({
        workflowId: run.workflowId,
        runId: run.runId,
        runIndex: run.runIndex,
        kind: run.kind,
        eventId: eventIdOf(event),
        time: eventTimeOf(event),
        event,
        // A local activity's retry timer wakes no workflow code (decode.ts backoffTimerIds).
        fact: fact.kind === 'timer_fired' && backoffTimers.has(fact.timerId) ? { kind: 'other' } : fact,
      });
    }
  }
  return out;
}

function refOf(raw: RawEvent): EntryRef {
  return { workflowId: raw.workflowId, runId: raw.runId, eventId: raw.eventId, eventType: eventTypeName(raw.event), recordedAt: raw.time };
}

/** What each task Update turns into: the task workflow's own mapping (workflows/task-events.ts). */
type ArgsOf = Record<string, unknown> & { actor: Actor };
const taskUpdateEvents = taskEventOf as unknown as Record<string, ((a: ArgsOf, at: Instant) => TaskEvent) | undefined>;

/** Timeline types only the activities record (no state change to fold). */
const RECORDED_ONLY = new Set(['urge_escalated']);

export function foldTask(events: readonly RawEvent[]): TaskFold {
  const fold: TaskFold = { workflowId: events[0]?.workflowId ?? '', input: null, state: null, entries: [], recorded: null, timeline: [], result: null, closed: false };
  const recent = new RecentUpdates<true>();
  let pending: RawEvent[] = [];
  let needsOpen = false;
  /** The run (patch catch-up-before-sleep) first applies what fell due while no timer was armed. */
  let catchUp = false;
  /** A new task opens at its execution's start (patch open-at-execution-start), else at its first workflow task. */
  let openAt: Instant | null = null;
  let now = 0;

  const entry = (raw: RawEvent, at: Instant, action: string, actor: Actor | null, details: Record<string, unknown>, payload: unknown, refused?: string) => {
    const s = fold.state;
    const e: AuditEntry = {
      ref: refOf(raw),
      scope: 'task',
      itemId: s?.itemId ?? fold.input?.task.itemId ?? '',
      taskId: s?.id ?? fold.input?.task.id ?? null,
      departmentId: s?.departmentId ?? fold.input?.task.departmentId ?? null,
      at,
      action,
      actor,
      details,
      payload,
    };
    if (refused !== undefined) e.refused = refused;
    fold.entries.push(e);
  };

  const effectEntries = (raw: RawEvent, event: TaskEvent, effects: TaskEffect[]) => {
    for (const effect of effects) {
      if (effect.type === 'light_changed') {
        entry(raw, event.at, 'light_changed', event.type === 'tick' ? SYSTEM_ACTOR : event.actor, { from: effect.from, to: effect.to, reason: effect.reason }, null);
      }
    }
  };

  /** Applies an event the workflow would apply; false (and the reason) when the rules refuse it. */
  const apply = (raw: RawEvent, event: TaskEvent, payload: unknown): string | null => {
    if (!fold.state) return 'task not opened yet';
    try {
      const { state, effects } = applyTaskEvent(fold.state, event, event.at);
      fold.state = state;
      if (event.type !== 'tick') {
        const { type, actor, at, ...details } = event as TaskEvent & Record<string, unknown>;
        entry(raw, at, type, actor, details, payload);
      }
      effectEntries(raw, event, effects);
      return null;
    } catch (error) {
      if (error instanceof TaskRuleError) return error.violation.message;
      throw error;
    }
  };

  const handle = (raw: RawEvent) => {
    const f = raw.fact;
    const s = fold.state;
    if (!s) return;
    if (f.kind === 'timer_fired') {
      if (lightWouldChange(s, now)) apply(raw, { type: 'tick', actor: SYSTEM_ACTOR, at: now }, null);
      return;
    }
    if (f.kind !== 'signal') return;
    const signalled =
      f.name === deadlinesRecomputedSignal.name
        ? signalledTaskEvent(s, { type: 'deadlines_recomputed', change: f.args[0] as DeadlinesRecomputedArgs, systemActor: SYSTEM_ACTOR }, now)
        : f.name === cancelTaskSignal.name
          ? signalledTaskEvent(s, { type: 'cancel', ...(f.args[0] as CancelTaskArgs) }, now)
          : f.name === followDeadlineSignal.name
            ? signalledTaskEvent(s, { type: 'follow_deadline', ...(f.args[0] as FollowDeadlineArgs) }, now)
            : null; // releaseTask: the item is finished, the closed task may end. Nothing changes.
    if (!signalled) return;
    if (!signalled.refused) apply(raw, signalled.event, f.args);
    else if (signalled.event.type === 'deadlines_recomputed') {
      entry(raw, now, signalled.event.type, signalled.event.actor, { reason: signalled.event.reason }, f.args, signalled.refused.message);
    }
  };

  let timers: RawEvent[] = [];
  const firedTimers = () => {
    const batch = timers;
    timers = [];
    batch.forEach(handle);
  };

  for (const raw of events) {
    const f = raw.fact;
    switch (f.kind) {
      case 'started': {
        const input = f.input as TaskInput;
        fold.input ??= input;
        fold.closed = false;
        if (input.carried) fold.state ??= structuredClone(input.carried.state);
        else needsOpen = fold.state === null;
        if (needsOpen) openAt = f.patches?.has(OPEN_AT_EXECUTION_START) ? raw.time : null;
        catchUp = f.patches?.has(CATCH_UP_BEFORE_SLEEP) ?? false;
        break;
      }
      case 'signal':
      case 'timer_fired':
        pending.push(raw);
        break;
      case 'task_started': {
        // The previous workflow task's fired timers, at its clock, after its Updates.
        firedTimers();
        now = raw.time;
        if (needsOpen && fold.input) {
          needsOpen = false;
          const at = openAt ?? now;
          fold.state = openTask(fold.input.task, at).state;
          const opened = fold.input.fromTaskId ? 'opened_by_transfer' : 'assigned';
          entry(raw, at, opened, fold.input.openedBy, { role: fold.state.role, dueAt: fold.state.dueAt, fromTaskId: fold.input.fromTaskId ?? null }, fold.input.task);
        }
        // The run's start, before its handlers take the task's signals and Updates (workflows/task.ts):
        // a run that took over a stale light (due while the last run waited to hand over) turns it.
        if (catchUp && fold.state) {
          catchUp = false;
          if (lightWouldChange(fold.state, now)) apply(raw, { type: 'tick', actor: SYSTEM_ACTOR, at: now }, null);
        }
        const batch = pending;
        pending = [];
        // The SDK hands a workflow task's jobs over as signals, then Updates (accepted after this
        // event), then fired timers: a timer's wake-up sees the state the Updates left.
        batch.filter((p) => p.fact.kind !== 'timer_fired').forEach(handle);
        timers = batch.filter((p) => p.fact.kind === 'timer_fired');
        break;
      }
      case 'update_accepted': {
        const build = taskUpdateEvents[f.name];
        if (!build || recent.has(f.updateId)) break;
        const event = build(f.args[0] as ArgsOf, now);
        const refused = apply(raw, event, f.args);
        if (refused === null) recent.remember(f.updateId, true);
        else {
          const { type, actor, at, ...details } = event as TaskEvent & Record<string, unknown>;
          entry(raw, at, type, actor, details, f.args, refused);
        }
        break;
      }
      case 'outbox': {
        if (f.activityType === 'projectTask') {
          const input = f.input as ProjectTaskInput;
          fold.recorded = input.task;
          fold.timeline.push(...input.timeline);
          for (const t of input.timeline) if (RECORDED_ONLY.has(t.type)) entry(raw, t.at, t.type, t.actor, { reason: t.reason, ...t.payload }, t);
        } else if (f.activityType === 'appendTimeline') {
          const entries = f.input as TimelineEntry[];
          fold.timeline.push(...entries);
          for (const t of entries) if (RECORDED_ONLY.has(t.type)) entry(raw, t.at, t.type, t.actor, { reason: t.reason, ...t.payload }, t);
        }
        break;
      }
      case 'closed':
        firedTimers();
        if (f.how === 'continued_as_new') break;
        fold.closed = true;
        if (f.how === 'completed') fold.result = f.result as TaskWire;
        else entry(raw, raw.time, `workflow_${f.how}`, SYSTEM_ACTOR, { detail: f.result }, f.result);
        break;
      default:
        break;
    }
  }
  // A cut right at an accepted Update is the state that Update returned: its task's timers come after.
  if (events[events.length - 1]?.fact.kind !== 'update_accepted') firedTimers();
  return fold;
}

// ---- The item workflow ----

export function foldItem(events: readonly RawEvent[]): ItemFold {
  const fold: ItemFold = { workflowId: events[0]?.workflowId ?? '', input: null, state: null, entries: [], recorded: null, timeline: [], result: null, closed: false };
  const recent = new RecentUpdates<true>();
  let pending: RawEvent[] = [];
  let needsLaunch = false;
  let now = 0;

  const entry = (raw: RawEvent, at: Instant, action: string, actor: Actor | null, details: Record<string, unknown>, payload: unknown, refused?: string) => {
    const e: AuditEntry = {
      ref: refOf(raw),
      scope: 'item',
      itemId: fold.input?.item.id ?? '',
      taskId: (details.taskId as string | undefined) ?? null,
      departmentId: (details.departmentId as string | undefined) ?? null,
      at,
      action,
      actor,
      details,
      payload,
    };
    if (refused !== undefined) e.refused = refused;
    fold.entries.push(e);
  };

  const recordEntries = (raw: RawEvent, at: Instant, effects: readonly ItemEffect[], payload: unknown) => {
    for (const effect of effects) if (effect.type === 'record') entry(raw, at, effect.entry, effect.actor, effect.payload, payload);
  };

  /** Hands an event to the item's rules; null, or why they refused it. */
  const apply = (raw: RawEvent, event: ItemEvent, payload: unknown): string | null => {
    if (!fold.state) return 'item not launched yet';
    try {
      const { state, effects } = applyItemEvent(fold.state, event, event.at);
      fold.state = state;
      recordEntries(raw, event.at, effects, payload);
      return null;
    } catch (error) {
      if (error instanceof ItemRuleError) return error.violation.message;
      throw error;
    }
  };

  const updateEvent = (name: string, args: unknown): ItemEvent | null => {
    const build = (itemEventOf as Record<string, ((a: never, at: Instant, input: ItemInput) => ItemEvent) | undefined>)[name];
    return build && fold.input ? build(args as never, now, fold.input) : null;
  };

  for (const raw of events) {
    const f = raw.fact;
    switch (f.kind) {
      case 'started': {
        const input = f.input as ItemInput;
        fold.input ??= input;
        fold.closed = false;
        if (input.carried) fold.state ??= structuredClone(input.carried.state);
        else needsLaunch = fold.state === null;
        break;
      }
      case 'signal':
      case 'timer_fired':
        pending.push(raw);
        break;
      case 'task_started': {
        now = raw.time;
        if (needsLaunch && fold.input) {
          needsLaunch = false;
          const input = fold.input;
          const launched = launchItem(input.item, input.tasks.map((t) => ({ ...t, itemId: input.item.id })), input.launchedBy, now);
          fold.state = launched.state;
          recordEntries(raw, now, launched.effects, input);
        }
        const batch = pending;
        pending = [];
        for (const p of batch) {
          if (p.fact.kind === 'signal' && p.fact.name === taskChangedSignal.name) apply(p, taskChangedEvent(p.fact.args[0] as TaskChangedArgs, now), p.fact.args[0]);
        }
        break;
      }
      case 'update_accepted': {
        const event = recent.has(f.updateId) ? null : updateEvent(f.name, f.args[0]);
        if (!event) break;
        const refused = apply(raw, event, f.args);
        if (refused === null) recent.remember(f.updateId, true);
        else entry(raw, now, event.type, event.actor, {}, f.args, refused);
        break;
      }
      case 'outbox': {
        if (f.activityType !== 'projectItem') break;
        const input = f.input as ProjectItemInput;
        fold.recorded = input.state;
        fold.timeline.push(...input.timeline);
        // Archiving follows the item's own timer: the recorded entry says when it happened.
        for (const t of input.timeline) if (t.type === 'item_archived') apply(raw, { type: 'archive', actor: t.actor, at: t.at }, t);
        break;
      }
      case 'closed':
        if (f.how === 'continued_as_new') break;
        fold.closed = true;
        fold.result = f.result;
        if (f.how !== 'completed') entry(raw, raw.time, `workflow_${f.how}`, SYSTEM_ACTOR, { detail: f.result }, f.result);
        break;
      default:
        break;
    }
  }
  return fold;
}
