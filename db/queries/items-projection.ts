// Versioned upserts of the items read model. A row never moves to a lower version, so a retried,
// replayed or out-of-order projection is harmless. An equal version is rewritten: the workflow's state
// at one version is always the same, and its version-0 projection must replace the rows the launch
// service inserted (also version 0) from its own clock.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Instant, TaskState } from '../../domain';
import type { Executor } from '../client';
import { itemEvents, items, tasks } from '../schema/items';

export type ItemRowInput = typeof items.$inferInsert;
export type TaskRowInput = typeof tasks.$inferInsert;
export type ItemEventInput = typeof itemEvents.$inferInsert;

/** `set col = excluded.col` for every column but the key. */
function excludedSet(table: PgTable, skip: string[]): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (!skip.includes(key)) set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/** true when the row was written (new, or not older than what was there). */
const date = (ms: Instant | null): Date | null => (ms === null ? null : new Date(ms));

/** A task's read-model row from its workflow state: the one mapping the launch and every projection use. */
export function taskRowOf(s: TaskState, where: { workflowId: string; transferredFrom: string | null; version?: number }): TaskRowInput {
  const reason = s.lightReasons[0] ?? { code: 'on_track', en: 'on track', zh: '正常推进' };
  return {
    id: s.id,
    itemId: s.itemId,
    departmentId: s.departmentId,
    role: s.role,
    status: s.status,
    light: s.light,
    lightReasonCode: reason.code,
    lightReasonEn: reason.en,
    lightReasonZh: reason.zh,
    signDueAt: new Date(s.signDueAt),
    warnAt: new Date(s.warnAt),
    dueAt: new Date(s.dueAt),
    originalDueAt: new Date(s.originalDueAt),
    outcome: s.outcome,
    redEver: s.redEver,
    postponed: s.postponed,
    lastReportAt: date(s.lastReportAt),
    percent: s.percent,
    urgeCount: s.urgeCount,
    returnCount: s.returnCount,
    startedAt: new Date(s.startedAt),
    signedAt: date(s.signedAt),
    submittedAt: date(s.submittedAt),
    acceptedAt: date(s.acceptedAt),
    closedAt: date(s.closedAt),
    transferredTo: s.transferredTo,
    transferredFrom: where.transferredFrom,
    workingDays: s.policy.workingDays?.count ?? null,
    pendingExtension: s.pendingExtension && {
      reason: s.pendingExtension.reason,
      newDueAt: new Date(s.pendingExtension.newDueAt).toISOString(),
      requestedAt: new Date(s.pendingExtension.requestedAt).toISOString(),
      requestedBy: s.pendingExtension.actor.userId,
    },
    pendingTransfer: s.pendingTransfer && {
      reason: s.pendingTransfer.reason,
      suggestedDepartmentId: s.pendingTransfer.suggestedDepartmentId,
      requestedAt: new Date(s.pendingTransfer.requestedAt).toISOString(),
      requestedBy: s.pendingTransfer.actor.userId,
    },
    workflowId: where.workflowId,
    version: where.version ?? s.version,
    projectedAt: new Date(),
  };
}

export async function upsertItemRow(db: Executor, row: ItemRowInput): Promise<boolean> {
  const written = await db
    .insert(items)
    .values(row)
    .onConflictDoUpdate({
      target: items.id,
      set: excludedSet(items, ['id']),
      setWhere: sql`${items.version} <= excluded.version`,
    })
    .returning({ id: items.id });
  return written.length === 1;
}

export async function upsertTaskRow(db: Executor, row: TaskRowInput): Promise<boolean> {
  const written = await db
    .insert(tasks)
    .values(row)
    .onConflictDoUpdate({
      target: tasks.id,
      set: excludedSet(tasks, ['id']),
      setWhere: sql`${tasks.version} <= excluded.version`,
    })
    .returning({ id: tasks.id });
  return written.length === 1;
}

/** Appends timeline entries; an entry already there (same stream and seq) is left as it was. */
export async function insertItemEvents(db: Executor, rows: ItemEventInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insert(itemEvents).values(rows).onConflictDoNothing().returning({ id: itemEvents.id });
  return inserted.length;
}
