// Versioned upserts of the items read model. A row never moves to a lower version, so a retried,
// replayed or out-of-order projection is harmless. An equal version is rewritten: the workflow's state
// at one version is always the same, and its version-0 projection must replace the rows the launch
// service inserted (also version 0) from its own clock.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { lightSchedule, type Instant, type TaskState } from '../../domain';
import { postgresClientOf, type Database, type Executor } from '../client';
import { itemEvents, items, tasks } from '../schema/items';

export type ItemRowInput = typeof items.$inferInsert;
export type TaskRowInput = typeof tasks.$inferInsert;
export type ItemEventInput = typeof itemEvents.$inferInsert;

/** Postgres column names by drizzle key, but for the keys left out. */
function columnNamesOf(table: PgTable, leaveOut: string[] = []): Array<[key: string, column: string]> {
  return Object.entries(getTableColumns(table))
    .filter(([key]) => !leaveOut.includes(key))
    .map(([key, column]) => [key, column.name]);
}

/** `set col = excluded.col` for every column but the key, for drizzle's onConflictDoUpdate. */
function excludedSet(table: PgTable, skip: string[]): Record<string, SQL> {
  return Object.fromEntries(columnNamesOf(table, skip).map(([key, column]) => [key, sql.raw(`excluded."${column}"`)]));
}

/** The same in SQL text: `"col" = excluded."col", …` for the given columns. */
const excludedAssignments = (columns: Array<[string, string]>) => columns.map(([, column]) => `"${column}" = excluded."${column}"`).join(', ');

/** true when the row was written (new, or not older than what was there). */
const date = (ms: Instant | null): Date | null => (ms === null ? null : new Date(ms));

/** A task's read-model row from its workflow state: the one mapping the launch and every projection use. */
export function taskRowOf(s: TaskState, where: { workflowId: string; transferredFrom: string | null; version?: number }): TaskRowInput {
  const reason = s.lightReasons[0] ?? { code: 'on_track', en: 'on track', zh: '正常推进' };
  // Without a calendar, as the workflow evaluates it, so the stored instants are the timers' own.
  const { yellow, red } = lightSchedule(s);
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
    yellowAt: date(yellow?.at ?? null),
    yellowReason: yellow?.reason ?? null,
    redAt: date(red?.at ?? null),
    redReason: red?.reason ?? null,
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
    assigneeUserId: s.assignee?.userId ?? null,
    assigneeName: s.assignee?.name ?? null,
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

/** What the tasks' trigger keeps (migration 0020): the item workflow's copy of its tasks' lights lags them. */
const FOLLOWS_TASKS = ['light', 'redEver', 'yellowAt', 'redAt'];

export async function upsertItemRow(db: Executor, row: ItemRowInput): Promise<boolean> {
  const written = await db
    .insert(items)
    .values(row)
    .onConflictDoUpdate({
      target: items.id,
      set: excludedSet(items, ['id', ...FOLLOWS_TASKS]),
      setWhere: sql`${items.version} <= excluded.version`,
    })
    .returning({ id: items.id });
  return written.length === 1;
}

/**
 * Appends timeline entries. An entry already there (same stream and seq, so the same id) is rewritten
 * when it differs: a workflow task whose worker died after its projection wrote but before Temporal
 * recorded the task is run again, and may then record another event under that seq (the timer landed
 * later: red, where the lost run saw yellow). History keeps the second; so must the timeline.
 * A live write (`live`) rewrites an entry only with one no older: the lost run's write can land after
 * its replacement's (its workflow task timed out while it still ran), and must not undo it. A rebuild
 * writes history's entries over whatever is there.
 */
export async function insertItemEvents(db: Executor, rows: ItemEventInput[], live = false): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(itemEvents)
    .values(rows)
    .onConflictDoUpdate({ target: itemEvents.id, set: excludedSet(itemEvents, ['id']), setWhere: sql.raw(live ? `${EVENT_DIFFERS} and ${NO_OLDER}` : EVENT_DIFFERS) })
    .returning({ id: itemEvents.id });
  return inserted.length;
}

/**
 * Where a stream stood when a projection was decided (workflows/outbox-contract.ts StreamTail), and
 * the first seq of the entries it writes (null when it writes none).
 */
export interface StreamTailInput {
  stream: string;
  seq: number;
  decidedAt: Instant;
  firstSeq: number | null;
}

/**
 * Readies a stream for a live projection, in one statement. Unless a later decision already wrote over
 * this one (SUPERSEDED: an entry of the stream at or past the first seq it writes, recorded after it
 * was decided), removes the entries a lost workflow task wrote past the stream's tail: numbered above
 * it and written before the decision (StreamTail says why). The run that replaced that task numbered
 * its own entries afresh; those it reached are rewritten by insertItemEvents, these it never reached.
 * Returns whether it was superseded: the projection of a workflow task that timed out while its worker
 * still ran it, landing after the retry that replaced it. History keeps the retry, so the caller then
 * writes nothing (no entry, no row).
 */
export async function pruneUnlessSuperseded(db: Executor, tail: StreamTailInput): Promise<boolean> {
  const [found] = await db.execute<{ superseded: boolean }>(
    withParams(
      `with decision as (select ${SUPERSEDED(1)} as superseded),
       pruned as (${deleteLostEntries(1)} and not (select superseded from decision))
       select superseded from decision`,
      tailParams(tail),
    ),
  );
  return found?.superseded === true;
}

/**
 * The SQL over a tail in $first…$first+3 (stream, seq, decidedAt, firstSeq), one text for the item's
 * transaction and projectTaskStatement. Without a tail every parameter is null and neither matches.
 */
const deleteLostEntries = (first: number) => `delete from item_events where stream = $${first} and seq > $${first + 1} and at < $${first + 2}::timestamptz`;
const SUPERSEDED = (first: number) =>
  `exists (select 1 from item_events where stream = $${first} and seq >= $${first + 3}::int and at > $${first + 2}::timestamptz)`;

/** A tail as the SQL's four parameters (nulls without one). */
const tailParams = (tail?: StreamTailInput) => [tail?.stream ?? null, tail?.seq ?? null, tail ? new Date(tail.decidedAt).toISOString() : null, tail?.firstSeq ?? null];

/** SQL text with $1…$n placeholders as a drizzle query bound to the given values. */
function withParams(text: string, params: unknown[]): SQL {
  return sql.join(text.split(/\$(\d+)/).map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`)));
}

/** An entry's columns differ from the one proposed for its id (the WHERE of the rewrite above). */
const eventValueColumns = columnNamesOf(itemEvents, ['id']);
const EVENT_DIFFERS = `(${eventValueColumns.map(([, column]) => `item_events."${column}"`).join(', ')}) is distinct from (${eventValueColumns
  .map(([, column]) => `excluded."${column}"`)
  .join(', ')})`;
/** The entry proposed was decided no earlier than the one there (the WHERE a live rewrite adds). */
const NO_OLDER = 'excluded."at" >= item_events."at"';

/** A row as Postgres's `jsonb_populate_record` reads it: keyed by column name (instants as ISO text, by JSON.stringify). */
function byColumnName(columns: Array<[key: string, column: string]>, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of columns) out[column] = row[key] ?? null;
  return out;
}

const eventColumns = columnNamesOf(itemEvents);
// The item facts are the triggers' to keep: filled on insert (tasks_copy_item_facts, BEFORE INSERT) and
// following the item (items_copy_facts_to_tasks). An update leaves them alone: a projection whose
// insert read the item before the item's public flag changed would otherwise write the old flag back.
const itemFacts = ['itemKind', 'itemIssuedBy', 'itemLaunchedAt', 'itemPublic'] as const;
const taskColumns = columnNamesOf(tasks, [...itemFacts]);
const quoted = (columns: Array<[string, string]>) => columns.map(([, column]) => `"${column}"`).join(', ');
const projectTaskStatement = `with superseded as (
  select ${SUPERSEDED(3)} as yes
), pruned as (
  ${deleteLostEntries(3)}
), appended as (
  insert into item_events (${quoted(eventColumns)})
  select ${quoted(eventColumns)} from jsonb_populate_recordset(null::item_events, $1::text::jsonb)
  where not (select yes from superseded)
  on conflict (id) do update set ${excludedAssignments(eventValueColumns)}
  where ${EVENT_DIFFERS} and ($3::text is null or ${NO_OLDER})
  returning 1
)
insert into tasks as t (${quoted(taskColumns)})
select ${quoted(taskColumns)} from jsonb_populate_record(null::tasks, $2::text::jsonb)
where not (select yes from superseded)
on conflict (id) do update set ${excludedAssignments(columnNamesOf(tasks, ['id', ...itemFacts]))}
where t.version <= excluded.version
returning t.id`;

/**
 * A task's projection as ONE prepared statement: nothing when a later decision superseded it (as
 * pruneUnlessSuperseded), else a lost workflow task's entries past the tail removed (as it does;
 * none without a tail), its timeline entries appended (an entry already there is rewritten when it
 * differs, and with a tail only by one no older, as insertItemEvents says why) and its row upserted only
 * forward (an equal version is rewritten, as upsertItemRow does) — one round trip where a transaction took four (begin, two statements, commit), and no SQL
 * built again on every call. Every column of the rows is written as given (the table's defaults do not
 * apply; taskRowOf and eventRow fill them all). true when the row was written.
 */
export async function projectTaskRow(db: Database, events: ItemEventInput[], row: TaskRowInput, tail?: StreamTailInput): Promise<boolean> {
  const written = await postgresClientOf(db).unsafe<{ id: string }[]>(
    projectTaskStatement,
    [
      JSON.stringify(events.map((e) => byColumnName(eventColumns, e))),
      JSON.stringify(byColumnName(taskColumns, row)),
      ...tailParams(tail),
    ],
    { prepare: true },
  );
  return written.length === 1;
}
