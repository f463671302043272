// Reads of the items read model (items, tasks, item_events) and the launch service's first write.
// Lists are answered here, from Postgres only: never by asking Temporal item by item.
import type postgres from 'postgres';
import { and, asc, desc, eq, fillPlaceholders, gte, ilike, inArray, isNotNull, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database, DatabaseHandle, Executor } from '../client';
import { groupCommitOf } from '../group-commit';
import { itemEvents, items, tasks, type ItemRow } from '../schema/items';
import { departments } from '../schema/org';
import { prepared } from './prepared-statements';
import { effectiveLightSql, instantSql, itemAsRead, overtakenSql, taskAsRead, type TaskAsRead } from './lights';

export type ItemInsert = typeof items.$inferInsert;
export type TaskInsert = typeof tasks.$inferInsert;

const CODE_SEQUENCE = 'item_code_seq'; // created by migration 0007_items_search_indexes

/** `DB-2026-000123`: the year it was launched (China time) and a number that never repeats. */
export async function nextItemCode(db: Executor, year: number): Promise<string> {
  const [row] = await db.execute<{ n: string }>(sql.raw(`select nextval('${CODE_SEQUENCE}')::text as n`));
  return `DB-${year}-${row!.n.padStart(6, '0')}`;
}

/** The rows a just-launched item is listed with until its workflow's projections take over. */
export async function insertLaunchedItem(db: Executor, item: ItemInsert, taskRows: TaskInsert[]): Promise<void> {
  await db.insert(items).values(item);
  if (taskRows.length > 0) await db.insert(tasks).values(taskRows);
}

/** An item's row with its light as of `now` (the moment of reading). */
export async function findItem(db: Executor, id: string, now = new Date()): Promise<ItemRow | undefined> {
  const [row] = await db.select().from(items).where(eq(items.id, id));
  return row && itemAsRead(row, now);
}

/**
 * Every action on a task looks it up first; the lookups of the actions arriving at the same moment go
 * as one statement (db/group-commit.ts), one prepared `id = any($1)` for all of them.
 */
export async function findTask(db: Database, id: string, now = new Date()): Promise<TaskAsRead | undefined> {
  const lookups = groupCommitOf(db, 'find_tasks', async (ids: string[]) => {
    const statement = prepared(db, 'find_tasks', () =>
      db.select().from(tasks).where(sql`${tasks.id} = any(${sql.placeholder('ids')}::uuid[])`).prepare('find_tasks'),
    );
    const found = new Map((await statement.execute({ ids: [...new Set(ids)] })).map((row) => [row.id, row]));
    return ids.map((taskId) => found.get(taskId));
  });
  const row = await lookups.submit(id);
  return row && taskAsRead(row, now);
}

/** An item's tasks in opening order, their lights as of `now`; only one department's when `departmentId` is given. */
export async function listItemTasks(db: Executor, itemId: string, departmentId?: string, now = new Date()): Promise<TaskAsRead[]> {
  const where = departmentId ? and(eq(tasks.itemId, itemId), eq(tasks.departmentId, departmentId)) : eq(tasks.itemId, itemId);
  const rows = await db.select().from(tasks).where(where).orderBy(asc(tasks.startedAt), asc(tasks.id));
  return rows.map((row) => taskAsRead(row, now));
}

/**
 * An item's timeline, oldest first. With `taskIds`, only item-level entries and those tasks'
 * (a department sees its own tasks' history, not another department's reports).
 */
export async function listItemEvents(db: Executor, itemId: string, taskIds?: readonly string[]) {
  const scope = taskIds ? or(isNull(itemEvents.taskId), taskIds.length ? inArray(itemEvents.taskId, [...taskIds]) : sql`false`) : undefined;
  return db
    .select()
    .from(itemEvents)
    .where(and(eq(itemEvents.itemId, itemId), scope))
    .orderBy(asc(itemEvents.at), asc(itemEvents.stream), asc(itemEvents.seq));
}

export interface ItemFilter {
  kind?: string;
  status?: string;
  light?: string;
  departmentId?: string;
  issuedBy?: string;
  q?: string;
  /** Launched at or after. */
  from?: Date;
  /** Launched before. */
  to?: Date;
  /** Department isolation: only items having a task of this department. */
  visibleToDepartment?: string;
  /** A dashboard figure's drill-down: only items having a task that the figure counts (db/queries/dashboard.ts). */
  factMatch?: SQL;
}

/** The instant of reading, one per request, bound as `now`. */
const readAt = sql`${sql.placeholder('now')}::timestamptz`;
/** The item's light as of reading. */
const itemLight = effectiveLightSql(items, readAt);

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The list's filter as SQL with placeholders instead of values, so the text depends only on which
 * filters are present (its shape) and one prepared statement serves every request of that shape.
 * `listValues` gives the values under the same names.
 */
function itemConditions(filter: ItemFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(eq(items.kind, sql.placeholder('kind')));
  if (filter.status) conditions.push(eq(items.status, sql.placeholder('status')));
  // The light as of reading differs from the stored one only on an overtaken row: the first half
  // lets the light index and the pending-instant indexes find the candidates.
  if (filter.light) conditions.push(sql`(${items.light} = ${sql.placeholder('light')} or ${overtakenSql('"items"', readAt)}) and ${itemLight} = ${sql.placeholder('light')}`);
  if (filter.issuedBy) conditions.push(sql`${items.issuedBy} = ${sql.placeholder('issuedBy')}::uuid`);
  // `@>` on the array uses the GIN index items_department_ids_idx.
  if (filter.departmentId) conditions.push(sql`${items.departmentIds} @> array[${sql.placeholder('departmentId')}]::uuid[]`);
  if (filter.visibleToDepartment) conditions.push(sql`${items.departmentIds} @> array[${sql.placeholder('visibleToDepartment')}]::uuid[]`);
  if (filter.factMatch) conditions.push(filter.factMatch);
  if (filter.from) conditions.push(sql`${items.createdAt} >= ${sql.placeholder('from')}::timestamptz`);
  if (filter.to) conditions.push(sql`${items.createdAt} < ${sql.placeholder('to')}::timestamptz`);
  if (filter.q) {
    const pattern = sql.placeholder('pattern');
    conditions.push(caseBlind(filter.q) ? or(like(items.title, pattern), like(items.code, pattern))! : or(ilike(items.title, pattern), ilike(items.code, pattern))!);
  }
  return conditions.length ? and(...conditions) : undefined;
}

/** Case folding costs most of a scan; text without cased letters (Chinese titles) needs none. */
function caseBlind(text: string): boolean {
  return text.toLowerCase() === text.toUpperCase();
}

function listValues(filter: ItemFilter, page: { limit: number; offset: number }, now: Date): Record<string, unknown> {
  return {
    now: now.toISOString(),
    kind: filter.kind,
    status: filter.status,
    light: filter.light,
    issuedBy: filter.issuedBy,
    departmentId: filter.departmentId,
    visibleToDepartment: filter.visibleToDepartment,
    from: filter.from?.toISOString(),
    to: filter.to?.toISOString(),
    pattern: filter.q === undefined ? undefined : `%${escapeLike(filter.q)}%`,
    limit: page.limit,
    offset: page.offset,
  };
}

/** Which filters are present: the statement's text follows from it and nothing else. */
function listShape(filter: ItemFilter): string {
  const present = (['kind', 'status', 'light', 'issuedBy', 'departmentId', 'visibleToDepartment', 'from', 'to', 'q'] as const).filter((k) => filter[k] !== undefined && filter[k] !== '');
  return `${present.join(',')}${filter.q && caseBlind(filter.q) ? ':like' : ''}`;
}

const summaryColumns = {
  id: items.id,
  code: items.code,
  kind: items.kind,
  title: items.title,
  status: items.status,
  light: sql<string>`${itemLight}`.as('light'),
  issuedBy: items.issuedBy,
  dueAt: items.dueAt,
  public: items.public,
  createdAt: items.createdAt,
  completedAt: items.completedAt,
  departmentIds: items.departmentIds,
};

export type ItemSummaryRow = { [K in keyof typeof summaryColumns]: ItemRow[K] };


/**
 * Which totals the count roll-up (items_list_counts, migration 0017) holds: any mix of kind, status,
 * light and issuer, for every item or for one department's. Text search, the launch window and
 * drill-downs are counted from the matching rows themselves.
 */
function countedByRollup(filter: ItemFilter): boolean {
  return !filter.q && !filter.from && !filter.to && !filter.factMatch && !(filter.departmentId && filter.visibleToDepartment);
}

/**
 * The total from the roll-up: its compacted counts plus the deltas not yet folded in, read in the
 * list's own statement, so it is exact for the same snapshot as the page.
 */
function rolledUpTotal(filter: ItemFilter): SQL {
  const dims: SQL[] = [];
  if (filter.departmentId) dims.push(sql`department_id = ${sql.placeholder('departmentId')}::uuid`);
  else if (filter.visibleToDepartment) dims.push(sql`department_id = ${sql.placeholder('visibleToDepartment')}::uuid`);
  else dims.push(sql`department_id is null`);
  if (filter.kind) dims.push(sql`kind = ${sql.placeholder('kind')}`);
  if (filter.status) dims.push(sql`status = ${sql.placeholder('status')}`);
  if (filter.light) dims.push(sql`light = ${sql.placeholder('light')}`);
  if (filter.issuedBy) dims.push(sql`issued_by = ${sql.placeholder('issuedBy')}::uuid`);
  const where = sql.join(dims, sql` and `);
  const counted = sql`(select coalesce(sum(n), 0)::int from (select n from items_list_counts where ${where}
    union all select n from items_list_count_deltas where ${where}) as counted)`;
  return filter.light ? sql`(${counted} + ${overtakenAdjustment(filter)})` : counted;
}

/**
 * The roll-up counts stored lights: the few items a passed instant has overtaken before their
 * tasks' timers landed move from their stored light's count to their light's as of reading.
 */
function overtakenAdjustment(filter: ItemFilter): SQL {
  const light = sql.placeholder('light');
  const others = itemConditions({ ...filter, light: undefined });
  return sql`(select (count(*) filter (where ${itemLight} = ${light}) - count(*) filter (where ${items.light} = ${light}))::int
    from ${items} where ${overtakenSql('"items"', readAt)}${others ? sql` and ${others}` : sql``})`;
}

export interface ListOptions {
  /** The instant of reading; default: now. */
  now?: Date;
  /** Where a total that the page cannot tell comes from; tests compare the two. Default: the roll-up when it holds the filter. */
  countFrom?: 'rollup' | 'rows';
}

/**
 * One statement for a page and its total, so one round trip and one snapshot for both. The count
 * runs only when the page cannot tell: a page shorter than its size (and not past the end) is the
 * last one, so the total is its offset plus its length, exactly. The page is left-joined to its
 * length (one row), so that an empty page still brings the total; the length is counted once (as
 * three subqueries of the page it took ~10% more planning, and Postgres plans these statements on
 * every request: their custom plans beat a generic one). Columns: the total, then the page's
 * columns in the order of `summaryColumns` (pageRow reads them by position).
 */
function listQuery(db: Executor, filter: ItemFilter, countFrom: 'rollup' | 'rows') {
  const where = itemConditions(filter);
  const limit = sql.placeholder('limit');
  const offset = sql.placeholder('offset');
  const pageOfItems = db.$with('page_of_items').as(
    db.select(summaryColumns).from(items).where(where).orderBy(desc(items.createdAt), desc(items.id)).limit(limit).offset(offset),
  );
  const pageLength = db.$with('page_length').as(db.select({ n: sql<number>`count(*)::int`.as('n') }).from(pageOfItems));
  const counted = countFrom === 'rollup' ? rolledUpTotal(filter) : sql`(select count(*)::int from ${items} where ${where ?? sql`true`})`;
  const n = sql`"page_length"."n"`;
  const total = sql<number>`case when ${n} < ${limit} and (${n} > 0 or ${offset} = 0) then ${offset} + ${n} else ${counted} end`;
  const columns = Object.keys(summaryColumns) as (keyof typeof summaryColumns)[];
  return db
    .with(pageOfItems, pageLength)
    .select({ total, ...Object.fromEntries(columns.map((c) => [c, pageOfItems[c]])) })
    .from(pageLength)
    .leftJoin(pageOfItems, sql`true`)
    .toSQL();
}

/**
 * A row of the list statement as ItemSummaryRow (null for the empty page's row). By hand: drizzle's
 * row mapping (through the CTE's alias proxies) was 0.14 of the 0.36 ms of CPU a page cost this
 * process. Timestamps arrive as Postgres text (drizzle turns postgres.js's parsing of them off).
 */
function pageRow(row: unknown[]): ItemSummaryRow | null {
  if (row[1] === null) return null;
  return {
    id: row[1] as string,
    code: row[2] as string,
    kind: row[3] as string,
    title: row[4] as string,
    status: row[5] as string,
    light: row[6] as string,
    issuedBy: row[7] as string,
    dueAt: new Date(row[8] as string),
    public: row[9] as boolean,
    createdAt: new Date(row[10] as string),
    completedAt: row[11] === null ? null : new Date(row[11] as string),
    departmentIds: row[12] as string[],
  };
}

/** Building the list's SQL costs more CPU than running it: built once per filter shape, kept prepared. */
function listStatement(db: Executor, filter: ItemFilter, countFrom: 'rollup' | 'rows'): { name: string | null; sql: string; params: unknown[] } {
  // A drill-down's SQL text varies with its department list: each distinct text would stay
  // prepared for the connection's lifetime, so it is built (unprepared) every time.
  if (filter.factMatch) return { name: null, ...listQuery(db, filter, countFrom) };
  const name = `items_list(${listShape(filter)}${countFrom === 'rollup' ? ':rollup' : ''})`;
  return prepared(db, name, () => ({ name, ...listQuery(db, filter, countFrom) }));
}

/**
 * Newest first; `total` counts every match, not just the page. Runs on postgres.js directly, as a
 * named prepared statement (one round trip, parsed once per connection).
 */
export async function listItems(database: Pick<DatabaseHandle, 'db' | 'sql'>, filter: ItemFilter, page: { limit: number; offset: number }, options: ListOptions = {}) {
  // A department's staff filtering by their own department ask for one department, not two.
  const asked = filter.departmentId && filter.departmentId === filter.visibleToDepartment ? { ...filter, departmentId: undefined } : filter;
  const countFrom = options.countFrom ?? (countedByRollup(asked) ? 'rollup' : 'rows');
  if (countFrom === 'rollup' && !countedByRollup(asked)) throw new Error('the count roll-up does not hold this filter');
  const statement = listStatement(database.db, asked, countFrom);
  const values = fillPlaceholders(statement.params, listValues(asked, page, options.now ?? new Date())) as postgres.ParameterOrJSON<never>[];
  const result = await database.sql.unsafe(statement.sql, values, { prepare: statement.name !== null }).values();
  return { total: (result[0]?.[0] as number | undefined) ?? 0, rows: result.flatMap((r) => pageRow(r) ?? []) };
}

/** Folds the roll-up's pending deltas into its counts; 0 when another compaction is running. */
export async function compactItemListCounts(db: Executor): Promise<number> {
  const [row] = await db.execute<{ folded: number }>(sql`select items_list_count_compact() as folded`);
  return row?.folded ?? 0;
}

/** Items marked public, newest first, with their departments' names: nothing internal. */
export async function listPublicItems(db: Executor, page: { limit: number; offset: number }, now = new Date()) {
  const where = eq(items.public, true);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        title: items.title,
        kind: items.kind,
        dueAt: items.dueAt,
        status: items.status,
        light: effectiveLightSql(items, instantSql(now)),
        // The lead department first, then the assisting ones (a transferred-away task no longer counts).
        departments: sql<string[]>`coalesce((select array_agg(d.name order by t.role = 'lead' desc, d.name) from ${tasks} t join ${departments} d on d.id = t.department_id where t.item_id = items.id and t.status <> 'transferred'), '{}')`,
      })
      .from(items)
      .where(where)
      .orderBy(desc(items.createdAt), desc(items.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(items).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/**
 * Open tasks whose due date was given in working days and whose clock overlaps the window
 * [windowStart, windowEnd): the only ones a calendar change of that window can move.
 */
export async function listOpenWorkingDayTasks(db: Executor, windowStart: Date, windowEnd: Date) {
  return db
    .select({ id: tasks.id, itemId: tasks.itemId, workflowId: tasks.workflowId, startedAt: tasks.startedAt, dueAt: tasks.dueAt })
    .from(tasks)
    .where(and(isNotNull(tasks.workingDays), isNull(tasks.closedAt), lt(tasks.startedAt, windowEnd), or(gte(tasks.dueAt, windowStart), gte(tasks.originalDueAt, windowStart))));
}

/** Ids of the departments that exist among `ids`. */
export async function existingDepartmentIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: departments.id }).from(departments).where(inArray(departments.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}
