// The history view: every audit entry of the item and its tasks, merged in time order, in words.
import type { Actor } from '../domain';
import type { AuditEntry } from './fold';
import type { ItemHistories } from '../archive/histories';
import { displayTime, DISPLAY_TIME_ZONE, renderEntry, type Lang, type NameBook } from './render';
import { foldItemHistories, workflowsOf, type ItemFolds } from './replay';

export type HistoryLine = {
  /** Position in this view (1-based). */
  seq: number;
  /** ISO-8601 instant (UTC). */
  at: string;
  /** The same instant in Asia/Shanghai, as shown in `text`. */
  localTime: string;
  text: string;
  action: string;
  scope: 'item' | 'task';
  taskId: string | null;
  departmentId: string | null;
  actor: (Actor & { label: string | null }) | null;
  workflowId: string;
  runId: string;
  eventId: number;
  eventType: string;
  /** `<workflowId>:<runId>:<eventId>` — what /replay?at= accepts. */
  ref: string;
  refused?: string;
  payload?: unknown;
};

export type HistoryView = {
  itemId: string;
  lang: Lang;
  timeZone: string;
  source: ItemHistories['source'];
  workflows: Array<{ workflowId: string; runs: string[] }>;
  events: HistoryLine[];
};

/** All entries of the folds in one order: when the workflow applied them, then when Temporal recorded them. */
export function mergeEntries(folds: ItemFolds): AuditEntry[] {
  const order = [folds.item, ...folds.tasks];
  const all = order.flatMap((f, w) => f.entries.map((e, i) => ({ e, w, i })));
  all.sort((a, b) => a.e.at - b.e.at || a.e.ref.recordedAt - b.e.ref.recordedAt || a.w - b.w || a.i - b.i);
  return all.map((x) => x.e);
}

export function buildHistoryView(histories: ItemHistories, lang: Lang, names: NameBook, options: { raw?: boolean } = {}): HistoryView {
  const folds = foldItemHistories(histories);
  const events = mergeEntries(folds).map((e, index): HistoryLine => {
    const line: HistoryLine = {
      seq: index + 1,
      at: new Date(e.at).toISOString(),
      localTime: displayTime(e.at),
      text: renderEntry(e, lang, names),
      action: e.action,
      scope: e.scope,
      taskId: e.taskId,
      departmentId: e.departmentId,
      actor: e.actor && { ...e.actor, label: null },
      workflowId: e.ref.workflowId,
      runId: e.ref.runId,
      eventId: e.ref.eventId,
      eventType: e.ref.eventType,
      ref: `${e.ref.workflowId}:${e.ref.runId}:${e.ref.eventId}`,
    };
    if (line.actor && e.actor && e.actor.role !== 'system') {
      const unit = e.actor.role === 'department' ? names.department(e.actor.departmentId, lang) : null;
      line.actor.label = unit ? (lang === 'zh' ? `${unit}（${e.actor.name}）` : `${unit} (${e.actor.name})`) : e.actor.name;
    }
    if (e.refused) line.refused = e.refused;
    if (options.raw) line.payload = e.payload;
    return line;
  });
  return {
    itemId: histories.itemId,
    lang,
    timeZone: DISPLAY_TIME_ZONE,
    source: histories.source,
    workflows: workflowsOf(histories).map((runs) => ({ workflowId: runs[0]!.workflowId, runs: runs.map((r) => r.runId) })),
    events,
  };
}
