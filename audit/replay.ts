// An item's state at any recorded point: the merged histories cut at an event or an instant, each
// workflow's prefix folded through domain/ (audit/fold.ts). Never the read model.
import { taskToWire, type TaskWire } from '../domain';
import { itemToWire, type ItemWire } from '../workflows/item-definitions';
import { eventTypeName } from './decode';
import { foldItem, foldTask, rawEventsOf, type ItemFold, type RawEvent, type TaskFold } from './fold';
import type { ItemHistories, RecordedRun } from '../archive/histories';

export interface ItemFolds {
  item: ItemFold;
  /** One per task workflow, in the order the item started them. */
  tasks: TaskFold[];
}

/** The runs grouped per workflow, in order (item first). */
export function workflowsOf(histories: ItemHistories): RecordedRun[][] {
  const groups = new Map<string, RecordedRun[]>();
  for (const run of histories.runs) {
    const list = groups.get(run.workflowId) ?? [];
    list.push(run);
    groups.set(run.workflowId, list);
  }
  return [...groups.values()].map((runs) => [...runs].sort((a, b) => a.runIndex - b.runIndex));
}

/** Folds every workflow of the item; `include` cuts each workflow's events (a prefix of them). */
export function foldItemHistories(histories: ItemHistories, include: (raw: RawEvent) => boolean = () => true): ItemFolds {
  let item: ItemFold | null = null;
  const tasks: TaskFold[] = [];
  for (const runs of workflowsOf(histories)) {
    const events = rawEventsOf(runs).filter(include);
    if (runs[0]!.kind === 'item') item = foldItem(events);
    else tasks.push(foldTask(events));
  }
  if (!item) item = foldItem([]);
  return { item, tasks };
}

/** Every event of every workflow in one order: time, then the item before its tasks, then run and event id. */
export function mergedEvents(histories: ItemHistories): RawEvent[] {
  const order = new Map(workflowsOf(histories).map((runs, i) => [runs[0]!.workflowId, i]));
  const all = workflowsOf(histories).flatMap((runs) => rawEventsOf(runs));
  return all.sort(
    (a, b) => a.time - b.time || order.get(a.workflowId)! - order.get(b.workflowId)! || a.runIndex - b.runIndex || a.eventId - b.eventId,
  );
}

export class ReplayPointError extends Error {
  override name = 'ReplayPointError';
}

export type ReplayPoint = { kind: 'time'; at: number } | { kind: 'event'; workflowId: string; runId: string | null; eventId: number };

const ISO = /^\d{4}-\d{2}-\d{2}T/;

/**
 * `at` is an ISO instant, an event reference `<workflowId>:<runId>:<eventId>` or `<workflowId>:<eventId>`
 * (as the history view lists them), or a bare event id of the item workflow.
 */
export function parseReplayPoint(at: string, itemWorkflowId: string): ReplayPoint {
  const text = at.trim();
  if (ISO.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new ReplayPointError(`"${at}" is not a valid ISO-8601 time`);
    return { kind: 'time', at: ms };
  }
  if (/^\d+$/.test(text)) return { kind: 'event', workflowId: itemWorkflowId, runId: null, eventId: Number(text) };
  const parts = text.split(':');
  const eventId = Number(parts[parts.length - 1]);
  if ((parts.length === 2 || parts.length === 3) && Number.isInteger(eventId) && eventId > 0 && parts[0]) {
    return { kind: 'event', workflowId: parts[0], runId: parts.length === 3 ? parts[1]! : null, eventId };
  }
  throw new ReplayPointError(`"${at}" is neither an ISO-8601 time nor an event id (<eventId> or <workflowId>:<runId>:<eventId>)`);
}

export type ReplayedState = {
  /** The point, as resolved. */
  at: { kind: 'time' | 'event'; time: string; workflowId?: string; runId?: string; eventId?: number; eventType?: string };
  /** The item as its workflow held it at that point (null before it started). */
  item: ItemWire | null;
  /** Each task as its own workflow held it at that point (tasks not yet opened are absent). */
  tasks: TaskWire[];
  /** How many history events were folded. */
  eventsFolded: number;
  source: ItemHistories['source'];
};

/** The cut: every merged event up to and including the point. */
export function cutAt(histories: ItemHistories, point: ReplayPoint): { include: (raw: RawEvent) => boolean; at: ReplayedState['at']; count: number } {
  const merged = mergedEvents(histories);
  if (point.kind === 'time') {
    const count = merged.filter((r) => r.time <= point.at).length;
    return { include: (r) => r.time <= point.at, at: { kind: 'time', time: new Date(point.at).toISOString() }, count };
  }
  const matches = merged.filter((r) => r.workflowId === point.workflowId && r.eventId === point.eventId && (point.runId === null || r.runId === point.runId));
  if (matches.length === 0) throw new ReplayPointError(`no event ${point.eventId} in workflow ${point.workflowId}${point.runId ? ` run ${point.runId}` : ''} of this item`);
  if (matches.length > 1) {
    throw new ReplayPointError(`event ${point.eventId} of ${point.workflowId} exists in ${matches.length} runs: name the run as <workflowId>:<runId>:<eventId>`);
  }
  let target = matches[0]!;
  // A signal or a fired timer takes effect in the workflow task that follows it: cut after that.
  if (target.fact.kind === 'signal' || target.fact.kind === 'timer_fired') target = endOfHandlingTask(merged, target);
  const position = merged.indexOf(target);
  const key = (r: RawEvent) => `${r.workflowId}|${r.runId}|${r.eventId}`;
  const included = new Set(merged.slice(0, position + 1).map(key));
  return {
    include: (r) => included.has(key(r)),
    at: { kind: 'event', time: new Date(target.time).toISOString(), workflowId: target.workflowId, runId: target.runId, eventId: target.eventId, eventType: eventTypeName(target.event) },
    count: position + 1,
  };
}

/**
 * The last event of the workflow task that handled a signal or a fired timer, the state it left: that
 * task's Updates ran with the signal, and its timers woke after them (cutting at its start would show
 * a wake-up without those Updates, a state the workflow never had). Signals and timers that arrived
 * during it belong to the next one and are left out.
 */
function endOfHandlingTask(merged: readonly RawEvent[], from: RawEvent): RawEvent {
  const own = merged.filter((r) => r.workflowId === from.workflowId).sort((a, b) => a.runIndex - b.runIndex || a.eventId - b.eventId);
  const start = own.findIndex((r, i) => i > own.indexOf(from) && r.fact.kind === 'task_started');
  if (start < 0) return from;
  let end = start;
  while (end + 1 < own.length && own[end + 1]!.fact.kind !== 'task_started' && own[end + 1]!.runIndex === own[start]!.runIndex) end++;
  while (end > start && (own[end]!.fact.kind === 'signal' || own[end]!.fact.kind === 'timer_fired')) end--;
  return own[end]!;
}

export function stateOf(folds: ItemFolds): Pick<ReplayedState, 'item' | 'tasks'> {
  return {
    item: folds.item.state ? itemToWire(folds.item.state) : null,
    tasks: folds.tasks.flatMap((t) => (t.state ? [taskToWire(t.state)] : [])),
  };
}

/** The item's state at `at` (see parseReplayPoint), from its histories alone. */
export function replayItemAt(histories: ItemHistories, point: ReplayPoint): ReplayedState {
  const cut = cutAt(histories, point);
  const folds = foldItemHistories(histories, cut.include);
  return { at: cut.at, ...stateOf(folds), eventsFolded: cut.count, source: histories.source };
}
