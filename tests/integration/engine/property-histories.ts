// Random task histories driven through the real item and task workflows, then checked two ways:
// (1) each task workflow's final state equals the pure domain fold (domain/) of the commands the test
//     sent and the workflow accepted, of the calendar changes it signalled and of the timers that
//     fired, each at the workflow clock Temporal recorded for it;
// (2) the audit replay (audit/replay.ts) cut at every event of a task's history equals the state the
//     workflow had there: the result each Update returned, the state each projection recorded, and
//     the model's state after each signal and timer.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSONValue } from '../../../archive/history-json';
import fc from 'fast-check';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { applyTaskEvent, lightWouldChange, openTask, signalledTaskEvent, SYSTEM_ACTOR, taskToWire } from '../../../domain';
import type { Actor, Instant, TaskEvent, TaskState, TaskWire } from '../../../domain';
import { fetchItemHistoriesFromTemporal, type ItemHistories } from '../../../archive/histories';
import { replayItemAt, workflowsOf } from '../../../audit/replay';
import { rawEventsOf, type RawEvent } from '../../../audit/fold';
import { eventTypeName } from '../../../audit/decode';
import {
  decideExtensionUpdate,
  decideTransferUpdate,
  deadlinesRecomputedSignal,
  itemStateQuery,
  progressUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  signUpdate,
  completeUpdate,
  taskDetailQuery,
  taskWorkflowId,
  urgeUpdate,
  type DeadlinesRecomputedArgs,
  type TaskInput,
} from '../../../workflows/definitions';
import { projectionReference } from '../../support/projection-reference';
import { CATCH_UP_BEFORE_SLEEP } from '../../../workflows/hand-over';
import { OPEN_AT_EXECUTION_START } from '../../../workflows/opening';
import { eventually, leader, staffOf, supervisor, type EngineHarness } from './engine-harness';

// ---- What a history is ----

export type Command =
  | { t: 'sign' }
  | { t: 'progress'; percent: number | null }
  | { t: 'requestExtension'; byMs: number }
  | { t: 'decideExtension'; approve: boolean }
  | { t: 'requestTransfer' }
  | { t: 'decideTransfer'; approve: boolean }
  | { t: 'complete' }
  | { t: 'review'; accept: boolean }
  | { t: 'urge'; byLeader: boolean }
  /** A holiday (later) or a make-up working day (earlier) moved the task's working-day deadlines. */
  | { t: 'calendar'; shiftMs: number; moveSignDue: boolean }
  /** Nobody acts for this long: timers fire meanwhile. */
  | { t: 'wait'; ms: number };

export interface HistoryPlan {
  dueInMs: number;
  warnBeforeMs: number;
  signWithinMs: number;
  escalateAfterMs: number;
  reportEveryMs: number | null;
  urgeEscalateAfterMs: number | null;
  /** Continue-as-new threshold (history events) for the item and its tasks. */
  continueAsNewAfterEvents: number;
  /** Each with whether to send it as is even where the rules refuse it (else a valid action stands in). */
  commands: Array<{ c: Command; force: boolean }>;
}

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant<Command>({ t: 'sign' }), weight: 3 },
  { arbitrary: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }).map<Command>((percent) => ({ t: 'progress', percent })), weight: 3 },
  { arbitrary: fc.integer({ min: 500, max: 6_000 }).map<Command>((byMs) => ({ t: 'requestExtension', byMs })), weight: 2 },
  { arbitrary: fc.boolean().map<Command>((approve) => ({ t: 'decideExtension', approve })), weight: 2 },
  { arbitrary: fc.constant<Command>({ t: 'requestTransfer' }), weight: 2 },
  { arbitrary: fc.boolean().map<Command>((approve) => ({ t: 'decideTransfer', approve })), weight: 2 },
  { arbitrary: fc.constant<Command>({ t: 'complete' }), weight: 2 },
  { arbitrary: fc.boolean().map<Command>((accept) => ({ t: 'review', accept })), weight: 2 },
  { arbitrary: fc.boolean().map<Command>((byLeader) => ({ t: 'urge', byLeader })), weight: 1 },
  {
    arbitrary: fc.record({ shiftMs: fc.integer({ min: -2_000, max: 4_000 }), moveSignDue: fc.boolean() }).map<Command>((c) => ({ t: 'calendar', ...c })),
    weight: 2,
  },
  { arbitrary: fc.integer({ min: 0, max: 2_500 }).map<Command>((ms) => ({ t: 'wait', ms })), weight: 4 },
);

export const historyArb: fc.Arbitrary<HistoryPlan> = fc.record({
  dueInMs: fc.integer({ min: 2_000, max: 8_000 }),
  warnBeforeMs: fc.integer({ min: 0, max: 3_000 }),
  signWithinMs: fc.integer({ min: 300, max: 3_000 }),
  escalateAfterMs: fc.integer({ min: 300, max: 3_000 }),
  reportEveryMs: fc.option(fc.integer({ min: 700, max: 3_000 }), { nil: null }),
  urgeEscalateAfterMs: fc.option(fc.integer({ min: 500, max: 2_000 }), { nil: null }),
  continueAsNewAfterEvents: fc.integer({ min: 25, max: 80 }),
  commands: fc.array(fc.record({ c: commandArb, force: fc.integer({ min: 0, max: 5 }).map((n) => n === 0) }), { minLength: 5, maxLength: 12 }),
});

// ---- Driving it ----

const WORKING = new Set(['signed', 'in_progress']);
const CLOSED = new Set(['accepted', 'transferred', 'cancelled']);

/** Whether the rules would let the command through in state `s` (roughly: timing aside). */
function fits(c: Command, s: TaskState): boolean {
  switch (c.t) {
    case 'sign':
      return s.status === 'assigned';
    case 'progress':
    case 'complete':
      return WORKING.has(s.status);
    case 'requestExtension':
      return WORKING.has(s.status) && !s.pendingExtension;
    case 'requestTransfer':
      return !CLOSED.has(s.status) && !s.pendingTransfer;
    case 'decideExtension':
      return s.pendingExtension !== null;
    case 'decideTransfer':
      return s.pendingTransfer !== null;
    case 'review':
      return s.status === 'submitted';
    default:
      return true;
  }
}

/** The command, or an action the task's state allows in its place (a history as the domain allows it). */
function valid(c: Command, s: TaskState, flip: boolean): Command {
  if (fits(c, s)) return c;
  if (CLOSED.has(s.status)) return { t: 'wait', ms: 300 };
  if (s.pendingTransfer) return { t: 'decideTransfer', approve: !flip };
  if (s.pendingExtension) return { t: 'decideExtension', approve: flip };
  if (s.status === 'assigned') return { t: 'sign' };
  if (s.status === 'submitted') return { t: 'review', accept: flip };
  return flip ? { t: 'progress', percent: 50 } : { t: 'complete' };
}

/** What the test sent one task workflow and it accepted, keyed by what finds it in history. */
export interface TaskLog {
  workflowId: string;
  taskId: string;
  /** Update id → the domain event it stands for (without `at`) and the state it returned. */
  updates: Map<string, { event: Omit<TaskEvent, 'at'>; result: TaskWire }>;
  /** Calendar changes signalled, in order. */
  signals: DeadlinesRecomputedArgs[];
}

export interface HistoryOutcome {
  itemId: string;
  commandsSent: number;
  accepted: number;
  refused: number;
  /** History events of every workflow of the item. */
  events: number;
  /** Points at which the audit replay was compared. */
  replayPoints: number;
  continuedAsNew: number;
  transfers: number;
  timerTicks: number;
  mismatches: string[];
}

const isRefusal = (error: unknown) => error instanceof WorkflowUpdateFailedError;

/** Asked again while the worker is too busy (an Update keeps its id, so it applies once). */
async function transient<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      // A refusal by the rules is an answer; any other failure (a busy or restarting server) is asked again.
      if (attempt >= 10 || isRefusal(error)) throw error;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/** A query, asked again when a worker busy with many histories did not answer it in time. */
async function detail(handle: WorkflowHandle): Promise<TaskState> {
  return transient(() => handle.query(taskDetailQuery));
}

export async function runHistory(h: EngineHarness, plan: HistoryPlan): Promise<HistoryOutcome> {
  const { specs, itemId, handle: itemHandle } = await h.launch({
    tasks: [
      {
        dueInMs: plan.dueInMs,
        policy: {
          warnBeforeMs: plan.warnBeforeMs,
          signWithinMs: plan.signWithinMs,
          escalateAfterMs: plan.escalateAfterMs,
          reportEveryMs: plan.reportEveryMs,
        },
      },
    ],
    options: { urgeEscalateAfterMs: plan.urgeEscalateAfterMs, continueAsNewAfterEvents: plan.continueAsNewAfterEvents },
  });
  const sup = supervisor();
  const logs: TaskLog[] = [];
  const newLog = (taskId: string): TaskLog => {
    const log = { workflowId: taskWorkflowId(taskId), taskId, updates: new Map(), signals: [] };
    logs.push(log);
    return log;
  };
  let current = newLog(specs[0]!.id);
  let departmentId = specs[0]!.departmentId;
  let staff = staffOf(departmentId);
  let suggested: string | null = null;
  let accepted = 0;
  let refused = 0;
  let transfers = 0;

  const taskHandle = (): WorkflowHandle => h.client.workflow.getHandle(current.workflowId);
  async function send<A extends { actor: Actor }>(def: UpdateDefinition<TaskWire, [A]>, args: A, event: Omit<TaskEvent, 'at'>) {
    const updateId = randomUUID();
    try {
      const result = await transient(() => taskHandle().executeUpdate(def, { args: [args], updateId }));
      current.updates.set(updateId, { event, result });
      accepted += 1;
      return result;
    } catch (error) {
      if (!isRefusal(error)) throw error;
      refused += 1;
      return null;
    }
  }

  for (const [n, planned] of plan.commands.entries()) {
    const c = planned.force ? planned.c : valid(planned.c, await detail(taskHandle()), n % 2 === 0);
    switch (c.t) {
      case 'sign':
        await send(signUpdate, { actor: staff }, { type: 'sign', actor: staff });
        break;
      case 'progress': {
        const args = c.percent === null ? { actor: staff, text: '推进中' } : { actor: staff, text: '推进中', percent: c.percent };
        await send(progressUpdate, args, { type: 'progress', ...args });
        break;
      }
      case 'requestExtension': {
        const s = await detail(taskHandle());
        const args = { actor: staff, reason: '需要更多时间', newDueAt: Math.max(s.dueAt, Date.now()) + c.byMs };
        await send(requestExtensionUpdate, args, { type: 'extension_request', ...args });
        break;
      }
      case 'decideExtension': {
        const args = { actor: sup, approve: c.approve, comment: c.approve ? '同意' : '不同意' };
        await send(decideExtensionUpdate, args, { type: 'extension_decision', ...args });
        break;
      }
      case 'requestTransfer': {
        const target = randomUUID();
        const args = { actor: staff, reason: '非本单位职责', suggestedDepartmentId: target };
        if (await send(requestTransferUpdate, args, { type: 'transfer_request', ...args })) suggested = target;
        break;
      }
      case 'decideTransfer': {
        const args = { actor: sup, approve: c.approve, comment: c.approve ? '同意转办' : '不同意转办' };
        const result = await send(decideTransferUpdate, args, { type: 'transfer_decision', ...args });
        if (result?.status === 'transferred' && suggested) {
          // The item opens the new department's task: carry on with it.
          const target = suggested;
          const item = await eventually(
            () => itemHandle.query(itemStateQuery),
            (i) => i.tasks.some((t) => t.departmentId === target),
          );
          const next = item.tasks.find((t) => t.departmentId === target)!;
          await eventually(() => detail(h.client.workflow.getHandle(taskWorkflowId(next.id))), (s) => s.id === next.id);
          current = newLog(next.id);
          departmentId = target;
          staff = staffOf(departmentId);
          transfers += 1;
        }
        suggested = null;
        break;
      }
      case 'complete': {
        const args = { actor: staff, summary: '已办结' };
        await send(completeUpdate, args, { type: 'complete', ...args });
        break;
      }
      case 'review': {
        const args = { actor: sup, decision: c.accept ? ('accept' as const) : ('return' as const), comment: c.accept ? '通过' : '退回补充' };
        await send(reviewUpdate, args, { type: 'review', ...args });
        break;
      }
      case 'urge': {
        const args = { actor: c.byLeader ? leader() : sup, message: '请加快办理' };
        await send(urgeUpdate, args, { type: 'urge', ...args });
        break;
      }
      case 'calendar': {
        // What api/services/organisation/calendar-change.ts does: read the task, recompute, signal.
        const s = await detail(taskHandle());
        const change: DeadlinesRecomputedArgs = {
          dueAt: s.originalDueAt + c.shiftMs,
          warnAt: s.originalDueAt + c.shiftMs - s.policy.warnBeforeMs,
          reason: `calendar moved by ${c.shiftMs} ms`,
          ...(c.moveSignDue ? { signDueAt: Math.min(s.signDueAt + c.shiftMs, s.originalDueAt + c.shiftMs) } : {}),
        };
        await taskHandle().signal(deadlinesRecomputedSignal, change);
        current.signals.push(change);
        break;
      }
      case 'wait':
        await new Promise((r) => setTimeout(r, c.ms));
        break;
    }
  }

  const outcome = await check(h, itemId, logs);
  await itemHandle.terminate('property history checked').catch(() => undefined);
  for (const log of logs) await h.client.workflow.getHandle(log.workflowId).terminate('property history checked').catch(() => undefined);
  return { ...outcome, itemId, commandsSent: plan.commands.filter(({ c }) => c.t !== 'wait').length, accepted, refused, transfers };
}

// ---- The model: the pure domain fold of what was sent, at the instants Temporal recorded ----

interface ModelPoint {
  /** The history event the state follows from. */
  raw: RawEvent;
  /** Where the audit replay is cut to compare: the event itself. */
  cut: RawEvent;
  state: TaskState;
}

interface TaskModel {
  state: TaskState | null;
  points: ModelPoint[];
  ticks: number;
  problems: string[];
}

/**
 * One task workflow's runs folded by the domain alone. Within one workflow task the SDK hands the
 * workflow its signals, then its Updates, then its fired timers: the model applies them in that order,
 * at the workflow task's start time (the workflow's clock).
 */
function modelTask(events: readonly RawEvent[], log: TaskLog): TaskModel {
  const m: TaskModel = { state: null, points: [], ticks: 0, problems: [] };
  let input = null as TaskInput | null; // set by started(), which flow analysis does not follow
  let signalIndex = 0;
  const seen = new Set<string>();

  const apply = (raw: RawEvent, event: TaskEvent) => {
    try {
      m.state = applyTaskEvent(m.state!, event, event.at).state;
    } catch (error) {
      m.problems.push(`${log.workflowId}#${raw.eventId}: the domain refuses ${event.type} the workflow accepted: ${String(error)}`);
    }
  };

  // Workflow tasks: the events between one WorkflowTaskStarted and the next. Signals and fired timers
  // written there are handed to the next workflow task; Updates accepted there, to this one.
  let buffered: RawEvent[] = [];
  // A run recording the catch-up patch first applies what fell due while no timer was armed.
  let catchUp = false;
  // A new task opens at its execution's start (patch open-at-execution-start), else at its first workflow task.
  let openAt: number | null = null;
  const started = (raw: RawEvent, f: Extract<RawEvent['fact'], { kind: 'started' }>) => {
    if (input === null) openAt = f.patches?.has(OPEN_AT_EXECUTION_START) ? raw.time : null;
    input ??= f.input as TaskInput;
    catchUp = f.patches?.has(CATCH_UP_BEFORE_SLEEP) ?? false;
  };
  for (let i = 0; i < events.length; i++) {
    const raw = events[i]!;
    if (raw.fact.kind === 'started') started(raw, raw.fact);
    if (raw.fact.kind !== 'task_started') {
      if (raw.fact.kind === 'signal' || raw.fact.kind === 'timer_fired') buffered.push(raw);
      continue;
    }
    const now = raw.time;
    if (m.state === null && input) m.state = openTask(input.task, openAt ?? now).state;
    // A run's first workflow task: its catch-up, before its signals and Updates (and before the span
    // below meets the next run's started event). A first run catches up from its opening instant.
    if (catchUp) {
      catchUp = false;
      if (m.state && lightWouldChange(m.state, now)) {
        apply(raw, { type: 'tick', actor: SYSTEM_ACTOR, at: now });
        m.ticks += 1;
      }
    }
    const updates: RawEvent[] = [];
    const arrived: RawEvent[] = [];
    for (let j = i + 1; j < events.length && events[j]!.fact.kind !== 'task_started'; j++) {
      const f = events[j]!.fact;
      if (f.kind === 'update_accepted') updates.push(events[j]!);
      else if (f.kind === 'signal' || f.kind === 'timer_fired') arrived.push(events[j]!);
      else if (f.kind === 'started') started(events[j]!, f);
    }
    let last = i;
    while (last + 1 < events.length && events[last + 1]!.fact.kind !== 'task_started') last++;
    const handled: RawEvent[] = [];
    if (m.state) {
      for (const s of buffered) {
        if (s.fact.kind !== 'signal' || s.fact.name !== deadlinesRecomputedSignal.name) continue;
        const change = log.signals[signalIndex++];
        if (!change) {
          m.problems.push(`${log.workflowId}#${s.eventId}: a calendar signal the test did not send`);
          continue;
        }
        const signalled = signalledTaskEvent(m.state, { type: 'deadlines_recomputed', change, systemActor: SYSTEM_ACTOR }, now);
        if (signalled && !signalled.refused) apply(s, signalled.event);
        handled.push(s);
      }
      for (const u of updates) {
        if (u.fact.kind !== 'update_accepted') continue;
        const sent = log.updates.get(u.fact.updateId);
        if (!sent) {
          m.problems.push(`${log.workflowId}#${u.eventId}: Update ${u.fact.name} the test did not see accepted`);
          continue;
        }
        if (seen.has(u.fact.updateId)) continue;
        seen.add(u.fact.updateId);
        apply(u, { ...sent.event, at: now } as TaskEvent);
        m.points.push({ raw: u, cut: u, state: m.state });
      }
      for (const t of buffered) {
        if (t.fact.kind !== 'timer_fired') continue;
        if (lightWouldChange(m.state, now)) {
          apply(t, { type: 'tick', actor: SYSTEM_ACTOR, at: now });
          m.ticks += 1;
        }
        handled.push(t);
      }
    }
    // The audit replay at a signal or a timer is the state the workflow task that handled it left.
    for (const raw of handled) m.points.push({ raw, cut: raw, state: m.state! });
    buffered = arrived;
    // On to the next workflow task (the loop's i++ lands on it).
    i = last;
  }
  for (const id of log.updates.keys()) if (!seen.has(id)) m.problems.push(`${log.workflowId}: accepted Update ${id} is not in its history`);
  if (signalIndex !== log.signals.length) m.problems.push(`${log.workflowId}: ${log.signals.length} calendar signals sent, ${signalIndex} in history`);
  return m;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const diff = keys.filter((k) => !same(a[k], b[k]));
  return diff.map((k) => `${k}: ${JSON.stringify(a[k])} ≠ ${JSON.stringify(b[k])}`).join('; ');
}

/** The histories and the final states, fetched so that no timer fired between them. */
async function settled(h: EngineHarness, itemId: string, logs: TaskLog[]) {
  for (let attempt = 0; ; attempt++) {
    const before = await Promise.all(logs.map((l) => detail(h.client.workflow.getHandle(l.workflowId))));
    const histories = await fetchItemHistoriesFromTemporal(h.client, itemId);
    const after = await Promise.all(logs.map((l) => detail(h.client.workflow.getHandle(l.workflowId))));
    if (histories && (same(before, after) || attempt >= 5)) return { histories, finals: after };
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function check(h: EngineHarness, itemId: string, logs: TaskLog[]) {
  // The last projection must have run, so that every state the workflow recorded is in history.
  await eventually(
    () => fetchItemHistoriesFromTemporal(h.client, itemId),
    (hs) => hs !== null,
  );
  const { histories, finals } = await settled(h, itemId, logs);
  return compareItem(histories, logs, finals);
}

/** Both properties over one item's histories; `finals` (the workflows' own states) when they can be asked. */
export function compareItem(histories: ItemHistories, logs: TaskLog[], finals: Array<TaskState | null>) {
  const mismatches: string[] = [];
  const runsByWorkflow = new Map(workflowsOf(histories).map((runs) => [runs[0]!.workflowId, runs]));
  let replayPoints = 0;
  let timerTicks = 0;
  for (const [index, log] of logs.entries()) {
    const runs = runsByWorkflow.get(log.workflowId);
    if (!runs) {
      mismatches.push(`${log.workflowId}: no history`);
      continue;
    }
    const events = rawEventsOf(runs);
    const model = modelTask(events, log);
    const before = mismatches.length;
    mismatches.push(...model.problems);
    const debug = () => {
      const lines = events.map((r) => {
        const f = r.fact as { kind: string; name?: string; activityType?: string; input?: { task?: TaskState } };
        const point = model.points.find((p) => p.raw === r);
        const projected = f.kind === 'outbox' && f.input?.task ? ` projected v${f.input.task.version} ${f.input.task.status} ${f.input.task.light}` : '';
        return `  ${r.runIndex}:${r.eventId} +${r.time - events[0]!.time} ${f.kind === 'other' ? eventTypeName(r.event) : f.kind} ${f.name ?? f.activityType ?? ''}${projected}${point ? ` model v${point.state.version} ${point.state.status} ${point.state.light}` : ''}`;
      });
      process.stderr.write(`${log.workflowId}\n${lines.join('\n')}\n final v${finals[index]?.version} model v${model.state?.version}\n`);
    };
    timerTicks += model.ticks;
    // (1) The workflow's state equals the domain's fold.
    const final = finals[index] ?? model.state;
    if (!model.state) mismatches.push(`${log.workflowId}: the model never opened the task`);
    else if (!same(model.state, final)) mismatches.push(`${log.workflowId} final: workflow vs model: ${firstDifference(final as never, model.state as never)}`);

    // (2) The audit replay at every event equals the workflow's state there.
    const at = (raw: RawEvent) => replayTask(histories, raw, log.taskId);
    for (const p of model.points) {
      replayPoints += 1;
      const replayed = at(p.cut);
      if (!same(replayed, taskToWire(p.state))) {
        mismatches.push(`${log.workflowId}#${p.raw.eventId} ${p.raw.fact.kind}: replay vs model: ${firstDifference((replayed ?? {}) as never, taskToWire(p.state) as never)}`);
      }
      if (p.raw.fact.kind === 'update_accepted') {
        const result = log.updates.get(p.raw.fact.updateId)!.result;
        if (!same(replayed, result)) mismatches.push(`${log.workflowId}#${p.raw.eventId}: replay vs Update result: ${firstDifference((replayed ?? {}) as never, result as never)}`);
      }
    }
    // A projection's marker holds the state the workflow had when it scheduled it, which may be older
    // than the marker's place (tests/support/projection-reference.ts).
    const position = new Map(events.map((raw, i) => [raw, i]));
    const versions = model.points.map((p) => ({ cut: p.cut, position: position.get(p.cut)!, version: p.state.version }));
    for (const [i, raw] of events.entries()) {
      if (raw.fact.kind !== 'outbox' || raw.fact.activityType !== 'projectTask') continue;
      replayPoints += 1;
      const recorded = taskToWire((raw.fact.input as { task: TaskState }).task);
      let replayed = at(raw);
      if (!same(replayed, recorded)) replayed = at(projectionReference(raw, i, recorded.version, versions));
      if (!same(replayed, recorded)) mismatches.push(`${log.workflowId}#${raw.eventId} projection: replay vs recorded: ${firstDifference((replayed ?? {}) as never, recorded as never)}`);
    }
    if (process.env.ENGINE_PROPERTY_DEBUG && (mismatches.length > before || process.env.ENGINE_PROPERTY_DEBUG === 'all')) debug();
  }
  if (process.env.ENGINE_PROPERTY_DUMP && mismatches.length) dumpHistories(histories, logs, mismatches);
  const events = histories.runs.reduce((n, r) => n + (r.history.events?.length ?? 0), 0);
  const continuedAsNew = histories.runs.filter((r) => r.runIndex > 0).length;
  return { events, replayPoints, continuedAsNew, timerTicks, mismatches };
}

/** Writes a failing item's histories and what the test sent, for a closer look (ENGINE_PROPERTY_DUMP=<dir>). */
function dumpHistories(histories: ItemHistories, logs: TaskLog[], mismatches: string[]) {
  const dir = process.env.ENGINE_PROPERTY_DUMP!;
  mkdirSync(dir, { recursive: true });
  const runs = histories.runs.map((r) => ({ ...r, history: historyToJSONValue(r.history) }));
  const sent = logs.map((l) => ({ ...l, updates: [...l.updates.entries()] }));
  writeFileSync(join(dir, `${histories.itemId}.json`), JSON.stringify({ runs, sent, mismatches }, null, 1));
}

function replayTask(histories: ItemHistories, raw: RawEvent, taskId: string): TaskWire | null {
  const replayed = replayItemAt(histories, { kind: 'event', workflowId: raw.workflowId, runId: raw.runId, eventId: raw.eventId });
  return replayed.tasks.find((t) => t.id === taskId) ?? null;
}

function aborted(error: unknown): HistoryOutcome {
  const none = { commandsSent: 0, accepted: 0, refused: 0, events: 0, replayPoints: 0, continuedAsNew: 0, transfers: 0, timerTicks: 0 };
  return { ...none, itemId: '(aborted)', mismatches: [`history aborted: ${String(error).slice(0, 300)}`] };
}

/** Runs `plans` with at most `concurrency` at once. */
export async function runHistories(h: EngineHarness, plans: HistoryPlan[], concurrency: number, onDone?: (o: HistoryOutcome, plan: HistoryPlan, index: number) => void) {
  const queue = plans.map((plan, index) => ({ plan, index }));
  const outcomes: HistoryOutcome[] = new Array(plans.length);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async (_, lane) => {
      // Staggered, so that the first workflow tasks of many items do not all fall on the worker at once.
      await new Promise((r) => setTimeout(r, lane * 300));
      for (let next = queue.shift(); next; next = queue.shift()) {
        // A history that cannot be finished (a query the server keeps failing) counts as failed; the others go on.
        const outcome = await runHistory(h, next.plan).catch((error: unknown) => aborted(error));
        outcomes[next.index] = outcome;
        onDone?.(outcome, next.plan, next.index);
      }
    }),
  );
  return outcomes;
}

export type { Instant };
