/**
 * What is checked after each fault, item by item, from Temporal's own histories: the state its
 * accepted urges and its timers imply, how late each light was recorded, the notifications the
 * webhook receiver counted, the audit verification (replay with today's code, the read model
 * against the fold), and a rebuild of the item's rows from history.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { loadItemHistories } from '../../../audit/load';
import { rebuildItemFrom } from '../../../audit/rebuild';
import { foldItemHistories } from '../../../audit/replay';
import { rawExportOf } from '../../../audit/service';
import { verifyItem } from '../../../audit/verify';
import type { Database } from '../../../db/client';
import { itemEvents, items, tasks } from '../../../db/schema/items';
import { lightSchedule } from '../../../domain/lights';
import type { ItemHistories } from '../../../archive/histories';
import { inParallel, type Delivery, type Submissions } from './load';

export interface LaunchedItem {
  itemId: string;
  taskId: string;
}

export interface FaultRow {
  fault: string;
  items: number;
  /** Launching every item (ms), until every task had run (ms), and the budget both had before the fault. */
  launchMs?: number;
  readyMs?: number;
  launchBudgetMs?: number;
  /** How long the fault lasted, injection to recovery (ms). */
  faultMs: number;
  accepted: number;
  applied: number;
  refused: number;
  refusedApplied: number;
  lights: number;
  lightsLate: number;
  maxLightLateMs: number;
  deliveriesExpected: number;
  deliveries: number;
  /**
   * Deliveries that arrived again under the same delivery id: a worker killed between the webhook's
   * answer and recording it sent it once more (at least once; jobs/notifications/deliver.ts). A
   * receiver that keys on `x-supervision-delivery`, as the webhook contract asks, sees it once.
   */
  resent: number;
  lost: number;
  /** Notifications delivered twice under different ids (the platform deciding one event twice). */
  doubled: number;
  stateDifferences: number;
  verifyDifferences: number;
  rebuildDifferences: number;
  problems: string[];
  /** Each light recorded later than the fault's length + 2 s, in words (counted in `lightsLate`). */
  late: string[];
}

const isAccepted = (status: number) => status >= 200 && status < 300;

async function readModelRows(db: Database, itemId: string) {
  const strip = <T extends { projectedAt: Date }>(rows: T[]) => rows.map(({ projectedAt: _, ...rest }) => rest);
  const item = strip(await db.select().from(items).where(eq(items.id, itemId)));
  const taskRows = strip(await db.select().from(tasks).where(eq(tasks.itemId, itemId))).sort((a, b) => a.id.localeCompare(b.id));
  const events = (await db.select().from(itemEvents).where(eq(itemEvents.itemId, itemId))).sort((a, b) => a.id.localeCompare(b.id));
  return { item, tasks: taskRows, events };
}

/** The item's rows deleted and rebuilt from its histories: what differs from before, as field paths. */
async function rebuildDifferences(db: Database, histories: ItemHistories): Promise<string[]> {
  const before = await readModelRows(db, histories.itemId);
  await db.delete(itemEvents).where(eq(itemEvents.itemId, histories.itemId));
  await db.delete(tasks).where(eq(tasks.itemId, histories.itemId));
  await db.delete(items).where(eq(items.id, histories.itemId));
  await rebuildItemFrom(db, histories);
  const after = await readModelRows(db, histories.itemId);
  const out: string[] = [];
  for (const table of ['item', 'tasks', 'events'] as const) {
    const [was, is] = [before[table] as Record<string, unknown>[], after[table] as Record<string, unknown>[]];
    if (was.length !== is.length) out.push(`${histories.itemId}: ${was.length} ${table} rows before the rebuild, ${is.length} after`);
    for (const [i, row] of was.entries()) {
      for (const [field, value] of Object.entries(row)) {
        const rebuilt = is[i]?.[field];
        if (JSON.stringify(value) !== JSON.stringify(rebuilt)) out.push(`${histories.itemId}: ${table}[${i}].${field} ${JSON.stringify(value)} → rebuilt ${JSON.stringify(rebuilt)}`);
      }
    }
  }
  return out;
}

type Timeline = { type: string; at: number; payload: Record<string, unknown> }[];

/** The light a task had when it was created: later than its due date (a backlog) it starts red. */
function initialLight(timeline: Timeline, finalLight: string): string {
  const first = timeline.find((e) => e.type === 'light_changed');
  return first ? String(first.payload.from) : finalLight;
}

/** The notifications one task's history implies: assigned (with its light when not green), each light it turned, each urge. */
function expectedEvents(timeline: Timeline, finalLight: string): string[] {
  const out = ['assigned'];
  const initial = initialLight(timeline, finalLight);
  if (initial !== 'green') out.push(initial);
  for (const entry of timeline) {
    if (entry.type === 'light_changed') out.push(String(entry.payload.to));
    if (entry.type === 'urge') out.push('urged');
  }
  return out.sort();
}

/** Each light the task showed and when Temporal recorded it: its creation's light (when not green) and every change. */
function recordedLights(timeline: Timeline, finalLight: string): { light: string; at: number }[] {
  const out: { light: string; at: number }[] = [];
  const assigned = timeline.find((e) => e.type === 'assigned');
  const initial = initialLight(timeline, finalLight);
  if (assigned && initial !== 'green') out.push({ light: initial, at: assigned.at });
  for (const e of timeline) if (e.type === 'light_changed') out.push({ light: String(e.payload.to), at: e.at });
  return out;
}

interface ItemCheck {
  accepted: number;
  applied: number;
  refused: number;
  refusedApplied: number;
  lights: number;
  lightsLate: number;
  maxLate: number;
  expected: string[];
  got: string[];
  problems: string[];
  late: string[];
  verifyDifferences: number;
}

/** One item against Temporal's history: state, lights and notifications (the read model is checked apart). */
function checkItemHistory(histories: ItemHistories, launched: LaunchedItem, submissions: Submissions, deliveries: Delivery[], allowedLateMs: number): ItemCheck {
  const folds = foldItemHistories(histories);
  const task = folds.tasks.find((t) => t.state?.id === launched.taskId);
  const list = submissions.byTask.get(launched.taskId) ?? [];
  const accepted = list.filter((s) => isAccepted(s.status)).length;
  const check: ItemCheck = { accepted, applied: 0, refused: list.length - accepted, refusedApplied: 0, lights: 0, lightsLate: 0, maxLate: 0, expected: [], got: [], problems: [], late: [], verifyDifferences: 0 };
  if (!task?.state) {
    check.problems.push(`${launched.itemId}: no task ${launched.taskId} in Temporal`);
    return check;
  }
  const s = task.state;
  const urgedEntries = task.timeline.filter((e) => e.type === 'urge').length;
  check.applied = Math.min(s.urgeCount, accepted);
  // Refused urges that were applied all the same: more urges in Temporal than accepted keys.
  check.refusedApplied = Math.max(0, s.urgeCount - accepted);
  if (s.urgeCount !== accepted) check.problems.push(`${launched.taskId}: ${s.urgeCount} urges applied, ${accepted} accepted (answers ${list.map((x) => x.status).join(', ')})`);
  if (urgedEntries !== s.urgeCount) check.problems.push(`${launched.taskId}: ${urgedEntries} urge entries for urgeCount ${s.urgeCount}`);
  if (s.status !== 'assigned') check.problems.push(`${launched.taskId}: status ${s.status}, expected assigned`);
  if (s.light !== 'red') check.problems.push(`${launched.taskId}: light ${s.light} after its due date, expected red`);
  const schedule = lightSchedule(s);
  for (const entry of recordedLights(task.timeline, s.light)) {
    const due = entry.light === 'red' ? schedule.red?.at : schedule.yellow?.at;
    if (due == null) continue;
    const late = entry.at - due;
    check.lights += 1;
    check.maxLate = Math.max(check.maxLate, late);
    if (late > allowedLateMs) {
      check.lightsLate += 1;
      check.late.push(`${launched.taskId}: ${entry.light} recorded ${(late / 1000).toFixed(1)} s after it fell due (allowed ${(allowedLateMs / 1000).toFixed(1)} s)`);
    }
  }
  check.expected = expectedEvents(task.timeline, s.light);
  check.got = deliveries.filter((d) => d.taskId === launched.taskId).map((d) => d.event).sort();
  return check;
}

/** Counts the differences between two sorted lists of event names as (missing, extra). */
function listDifference(expected: string[], got: string[]): { lost: number; doubled: number } {
  const counts = new Map<string, number>();
  for (const e of expected) counts.set(e, (counts.get(e) ?? 0) + 1);
  for (const g of got) counts.set(g, (counts.get(g) ?? 0) - 1);
  let lost = 0;
  let doubled = 0;
  for (const n of counts.values()) {
    if (n > 0) lost += n;
    else doubled -= n;
  }
  return { lost, doubled };
}

export async function checkFault(
  deps: { client: Client; db: Database },
  fault: { name: string; faultMs: number; launched: LaunchedItem[]; submissions: Submissions; deliveries: Delivery[]; verify: boolean; dumpDir?: string },
): Promise<FaultRow> {
  const row: FaultRow = {
    fault: fault.name, items: fault.launched.length, faultMs: fault.faultMs, accepted: 0, applied: 0, refused: 0, refusedApplied: 0,
    lights: 0, lightsLate: 0, maxLightLateMs: 0, deliveriesExpected: 0, deliveries: fault.deliveries.length, resent: 0, lost: 0, doubled: 0,
    stateDifferences: 0, verifyDifferences: 0, rebuildDifferences: 0, problems: [], late: [],
  };
  // What a receiver keying on the delivery id keeps: the first arrival of each id.
  const seen = new Set<string>();
  const distinct: Delivery[] = [];
  for (const d of fault.deliveries) {
    if (d.deliveryId !== '' && seen.has(d.deliveryId)) continue;
    seen.add(d.deliveryId);
    distinct.push(d);
  }
  row.resent = fault.deliveries.length - distinct.length;
  // Three items at a time: loading and replaying histories waits on Temporal as much as on the CPU.
  await inParallel(fault.launched, 3, async (launched) => {
    const histories = await loadItemHistories(deps, launched.itemId);
    const c = checkItemHistory(histories, launched, fault.submissions, distinct, fault.faultMs + 2_000);
    const diff = listDifference(c.expected, c.got);
    Object.assign(row, {
      accepted: row.accepted + c.accepted, applied: row.applied + c.applied, refused: row.refused + c.refused, refusedApplied: row.refusedApplied + c.refusedApplied,
      lights: row.lights + c.lights, lightsLate: row.lightsLate + c.lightsLate, maxLightLateMs: Math.max(row.maxLightLateMs, c.maxLate),
      deliveriesExpected: row.deliveriesExpected + c.expected.length, lost: row.lost + diff.lost, doubled: row.doubled + diff.doubled,
      stateDifferences: row.stateDifferences + c.problems.length,
    });
    row.problems.push(...c.problems);
    row.late.push(...c.late);
    if (diff.lost + diff.doubled > 0) row.problems.push(`${launched.taskId}: notifications expected [${c.expected}] received [${c.got}]`);
    if (c.lightsLate > 0) dumpHistories(histories, fault.dumpDir);
    if (fault.verify) await verifyAndRebuild(deps.db, histories, row, fault.dumpDir);
  });
  return row;
}

/** Keeps an item's histories for the post-mortem (a late light, a history that does not replay), in Temporal's own JSON format. */
function dumpHistories(histories: ItemHistories, dumpDir: string | undefined): void {
  if (dumpDir) writeFileSync(join(dumpDir, `history-${histories.itemId}.json`), JSON.stringify(rawExportOf(histories)));
}

async function verifyAndRebuild(db: Database, histories: ItemHistories, row: FaultRow, dumpDir?: string) {
  const report = await verifyItem(db, histories);
  const problems = [
    ...report.replay.details.filter((d) => !d.ok).map((d) => `${d.workflowId}: replay ${d.error}`),
    ...report.replay.fold.problems,
    ...report.readModel.differences.map((d) => `${d.table} ${d.id} ${d.field}: read model ${JSON.stringify(d.readModel)}, workflow ${JSON.stringify(d.workflow)}`),
  ];
  if (problems.length > 0) dumpHistories(histories, dumpDir);
  row.verifyDifferences += problems.length;
  row.problems.push(...problems);
  const rebuilt = await rebuildDifferences(db, histories);
  row.rebuildDifferences += rebuilt.length;
  row.problems.push(...rebuilt);
}

/** The table the suite prints: one line per fault. */
export function faultTable(rows: FaultRow[]): string {
  const head = ['fault', 'items', 'launch/ready/budget s', 'fault s', 'accepted', 'applied', 'refused', 'refused applied', 'lights', 'late', 'max late s', 'deliveries exp/got', 'resent (same id)', 'lost', 'doubled', 'state diff', 'verify diff', 'rebuild diff'];
  const lines = rows.map((r) => [
    r.fault, r.items, [r.launchMs, r.readyMs, r.launchBudgetMs].map((ms) => (ms === undefined ? '-' : (ms / 1000).toFixed(1))).join('/'), (r.faultMs / 1000).toFixed(1), r.accepted, r.applied, r.refused, r.refusedApplied, r.lights, r.lightsLate,
    (r.maxLightLateMs / 1000).toFixed(1), `${r.deliveriesExpected}/${r.deliveries}`, r.resent, r.lost, r.doubled, r.stateDifferences, r.verifyDifferences, r.rebuildDifferences,
  ].map(String));
  const all = [head, ...lines];
  const widths = head.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...lines.map(fmt)].join('\n');
}
