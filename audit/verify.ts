// Proof the record holds: (1) Temporal's replayer runs today's workflow code against every recorded
// run and must reproduce it exactly; (2) the read model must agree with the folded workflow state.
import { eq, inArray } from 'drizzle-orm';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Executor } from '../db/client';
import { itemEvents, items, tasks, type ItemRow, type TaskRow } from '../db/schema/items';
import { rollUpItem, type TaskState } from '../domain';
import type { ItemState } from '../workflows/item-definitions';
import { workflowsPath } from '../workflows/path';
import type { ItemHistories } from '../archive/histories';
import { foldItemHistories, type ItemFolds } from './replay';
import { Replayer } from './replayer';

// ---- (1) Temporal's replayer ----

let bundle: Promise<{ code: string }> | { codePath: string } | null = null;
let replayer: Replayer | null = null;

/** Use an already built bundle (tests build one per run) instead of bundling in this process. */
export function useWorkflowBundle(codePath: string): void {
  bundle = { codePath };
  void closeReplayer();
}

/** Bundles today's workflow code once per process. */
async function workflowBundle(): Promise<{ code: string } | { codePath: string }> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } as never });
  return bundle;
}

/** The process's replayer (audit/replayer.ts says why there is one), started on the first verification. */
function currentReplayer(): Replayer {
  replayer ??= new Replayer(async () => ({ workflowBundle: await workflowBundle(), replayName: 'audit' }));
  return replayer;
}

/** Ends the process's replay worker (the API's shutdown, a test's teardown); the next verification starts another. */
export async function closeReplayer(): Promise<void> {
  const closing = replayer;
  replayer = null;
  await closing?.close();
}

export type RunReplay = {
  workflowId: string;
  runId: string;
  ok: boolean;
  error?: string;
};

export type ReplayReport = {
  ok: boolean;
  details: RunReplay[];
};

/** Replays every run of an item with today's workflow code, through the process's one replay worker. */
export async function replayWithCurrentCode(histories: ItemHistories): Promise<ReplayReport> {
  const worker = currentReplayer();
  const results = await Promise.all(histories.runs.map((r) => worker.replay(r.workflowId, r.history)));
  const details = results.map((result, i): RunReplay => {
    const run = histories.runs[i]!;
    const detail: RunReplay = { workflowId: run.workflowId, runId: result.runId || run.runId, ok: !result.error };
    if (result.error) detail.error = `${result.error.name}: ${result.error.message}`;
    return detail;
  });
  return { ok: details.every((d) => d.ok), details };
}

// ---- (2) The read model against the workflows ----

export type Difference = {
  table: 'items' | 'tasks' | 'item_events';
  id: string;
  field: string;
  readModel: unknown;
  workflow: unknown;
};

export type ReadModelReport = {
  ok: boolean;
  differences: Difference[];
};

const ms = (d: Date | null) => (d === null ? null : d.getTime());

/**
 * The item row's light and red_ever follow its tasks' rows (migration 0020), not the item workflow,
 * which hears only of status changes: they are checked against the tasks' own folds.
 */
function itemFields(row: ItemRow | null, s: ItemState, tasks: readonly TaskState[]): Array<[string, unknown, unknown]> {
  const light = tasks.length > 0 ? rollUpItem(tasks, s.status).light : s.light;
  const redEver = s.redEver || tasks.some((t) => t.redEver);
  return [
    ['code', row?.code, s.item.code],
    ['kind', row?.kind, s.item.kind],
    ['title', row?.title, s.item.title],
    ['status', row?.status, s.status],
    ['light', row?.light, light],
    ['issuedBy', row?.issuedBy, s.item.issuedBy],
    ['dueAt', row && ms(row.dueAt), s.item.dueAt],
    ['public', row?.public, s.item.public],
    ['launchedAt', row && ms(row.launchedAt), s.launchedAt],
    ['completedAt', row && ms(row.completedAt), s.completedAt],
    ['cancelledAt', row && ms(row.cancelledAt), s.cancelledAt],
    ['archivedAt', row && ms(row.archivedAt), s.archivedAt],
    ['redEver', row?.redEver, redEver],
    ['departmentIds', row && [...row.departmentIds].sort().join(','), [...new Set(s.tasks.map((t) => t.departmentId))].sort().join(',')],
    ['version', row?.version, s.version],
  ];
}

function taskFields(row: TaskRow, s: TaskState): Array<[string, unknown, unknown]> {
  return [
    ['departmentId', row.departmentId, s.departmentId],
    ['role', row.role, s.role],
    ['status', row.status, s.status],
    ['light', row.light, s.light],
    ['lightReasonCode', row.lightReasonCode, s.lightReasons[0]?.code ?? 'on_track'],
    ['signDueAt', ms(row.signDueAt), s.signDueAt],
    ['warnAt', ms(row.warnAt), s.warnAt],
    ['dueAt', ms(row.dueAt), s.dueAt],
    ['originalDueAt', ms(row.originalDueAt), s.originalDueAt],
    ['outcome', row.outcome, s.outcome],
    ['redEver', row.redEver, s.redEver],
    ['postponed', row.postponed, s.postponed],
    ['lastReportAt', ms(row.lastReportAt), s.lastReportAt],
    ['percent', row.percent, s.percent],
    ['urgeCount', row.urgeCount, s.urgeCount],
    ['returnCount', row.returnCount, s.returnCount],
    ['startedAt', ms(row.startedAt), s.startedAt],
    ['signedAt', ms(row.signedAt), s.signedAt],
    ['submittedAt', ms(row.submittedAt), s.submittedAt],
    ['acceptedAt', ms(row.acceptedAt), s.acceptedAt],
    ['closedAt', ms(row.closedAt), s.closedAt],
    ['transferredTo', row.transferredTo, s.transferredTo],
    ['version', row.version, s.version],
  ];
}

export async function compareReadModel(db: Executor, folds: ItemFolds): Promise<ReadModelReport> {
  const differences: Difference[] = [];
  const item = folds.item.state;
  const itemId = folds.item.input?.item.id;
  if (!item || !itemId) return { ok: false, differences: [{ table: 'items', id: itemId ?? '?', field: '(workflow)', readModel: null, workflow: 'not started' }] };
  const [row] = await db.select().from(items).where(eq(items.id, itemId));
  if (!row) differences.push({ table: 'items', id: itemId, field: '(row)', readModel: 'missing', workflow: 'present' });
  else for (const [field, a, b] of itemFields(row, item, folds.tasks.flatMap((t) => (t.state ? [t.state] : [])))) if (a !== b) differences.push({ table: 'items', id: itemId, field, readModel: a, workflow: b });

  const rows = await db.select().from(tasks).where(eq(tasks.itemId, itemId));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const t of folds.tasks) {
    if (!t.state) continue;
    const taskRow = byId.get(t.state.id);
    byId.delete(t.state.id);
    if (!taskRow) {
      differences.push({ table: 'tasks', id: t.state.id, field: '(row)', readModel: 'missing', workflow: 'present' });
      continue;
    }
    for (const [field, a, b] of taskFields(taskRow, t.state)) if (a !== b) differences.push({ table: 'tasks', id: t.state.id, field, readModel: a, workflow: b });
  }
  for (const extra of byId.keys()) differences.push({ table: 'tasks', id: extra, field: '(row)', readModel: 'present', workflow: 'missing' });

  // Every timeline entry the workflows recorded must be in item_events, with its version and type.
  const recorded = [folds.item, ...folds.tasks].flatMap((f) => f.timeline);
  const ids = recorded.map((e) => `${e.stream}#${e.seq}`);
  const found = ids.length ? await db.select({ id: itemEvents.id, type: itemEvents.type, version: itemEvents.version }).from(itemEvents).where(inArray(itemEvents.id, ids)) : [];
  const foundById = new Map(found.map((f) => [f.id, f]));
  for (const e of recorded) {
    const id = `${e.stream}#${e.seq}`;
    const f = foundById.get(id);
    if (!f) differences.push({ table: 'item_events', id, field: '(row)', readModel: 'missing', workflow: e.type });
    else if (f.type !== e.type || f.version !== e.version) differences.push({ table: 'item_events', id, field: 'type/version', readModel: `${f.type}/${f.version}`, workflow: `${e.type}/${e.version}` });
  }
  return { ok: differences.length === 0, differences };
}

/**
 * What an item projection records of its state: its copies of the tasks are told without a new
 * version when they change nothing the item shows (the item hears only of status changes, and
 * lights are read from the tasks' rows), so only which tasks it has is compared, not the copies.
 */
function projectedView(s: ItemState) {
  return { ...s, tasks: s.tasks.map((t) => t.id) };
}

/** Where the fold and what the workflows themselves recorded (projection inputs) disagree. */
export function foldAgainstRecord(folds: ItemFolds): string[] {
  const problems: string[] = [];
  for (const t of folds.tasks) {
    if (t.state && t.recorded && JSON.stringify(t.state) !== JSON.stringify(t.recorded)) {
      problems.push(`${t.workflowId}: folded state v${t.state.version} differs from the last recorded state v${t.recorded.version}`);
    }
  }
  const i = folds.item;
  if (i.state && i.recorded && JSON.stringify(projectedView(i.state)) !== JSON.stringify(projectedView(i.recorded))) {
    problems.push(`${i.workflowId}: folded state v${i.state.version} differs from the last recorded state v${i.recorded.version}`);
  }
  return problems;
}

export type VerifyReport = {
  itemId: string;
  source: ItemHistories['source'];
  replay: ReplayReport & { fold: { ok: boolean; problems: string[] } };
  readModel: ReadModelReport;
};

export async function verifyItem(db: Executor, histories: ItemHistories): Promise<VerifyReport> {
  const folds = foldItemHistories(histories);
  const problems = foldAgainstRecord(folds);
  const [replay, readModel] = await Promise.all([replayWithCurrentCode(histories), compareReadModel(db, folds)]);
  return { itemId: histories.itemId, source: histories.source, replay: { ...replay, fold: { ok: problems.length === 0, problems } }, readModel };
}
