// Reads of the items read model (items, tasks, item_events) and the launch service's first write.
// Lists are answered here, from Postgres only: never by asking Temporal item by item.
import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { itemEvents, items, tasks, type ItemRow, type TaskRow } from '../schema/items';
import { departments } from '../schema/org';

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

export async function findItem(db: Executor, id: string): Promise<ItemRow | undefined> {
  const [row] = await db.select().from(items).where(eq(items.id, id));
  return row;
}

export async function findTask(db: Executor, id: string): Promise<TaskRow | undefined> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
  return row;
}

/** An item's tasks in opening order; only one department's when `departmentId` is given. */
export async function listItemTasks(db: Executor, itemId: string, departmentId?: string): Promise<TaskRow[]> {
  const where = departmentId ? and(eq(tasks.itemId, itemId), eq(tasks.departmentId, departmentId)) : eq(tasks.itemId, itemId);
  return db.select().from(tasks).where(where).orderBy(asc(tasks.startedAt), asc(tasks.id));
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

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function hasDepartment(departmentId: string): SQL {
  // `@>` on the array uses the GIN index items_department_ids_idx.
  return sql`${items.departmentIds} @> array[${departmentId}]::uuid[]`;
}

function itemConditions(filter: ItemFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(eq(items.kind, filter.kind));
  if (filter.status) conditions.push(eq(items.status, filter.status));
  if (filter.light) conditions.push(eq(items.light, filter.light));
  if (filter.issuedBy) conditions.push(eq(items.issuedBy, filter.issuedBy));
  if (filter.departmentId) conditions.push(hasDepartment(filter.departmentId));
  if (filter.visibleToDepartment) conditions.push(hasDepartment(filter.visibleToDepartment));
  if (filter.factMatch) conditions.push(filter.factMatch);
  if (filter.from) conditions.push(gte(items.createdAt, filter.from));
  if (filter.to) conditions.push(lt(items.createdAt, filter.to));
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    // Case folding costs most of a scan; text without cased letters (Chinese titles) needs none.
    const match = filter.q.toLowerCase() === filter.q.toUpperCase() ? like : ilike;
    conditions.push(or(match(items.title, pattern), match(items.code, pattern))!);
  }
  return conditions.length ? and(...conditions) : undefined;
}

const summaryColumns = {
  id: items.id,
  code: items.code,
  kind: items.kind,
  title: items.title,
  status: items.status,
  light: items.light,
  issuedBy: items.issuedBy,
  dueAt: items.dueAt,
  public: items.public,
  createdAt: items.createdAt,
  completedAt: items.completedAt,
  departmentIds: items.departmentIds,
};

export type ItemSummaryRow = { [K in keyof typeof summaryColumns]: ItemRow[K] };

/** Newest first; `total` counts every match, not just the page. */
export async function listItems(db: Executor, filter: ItemFilter, page: { limit: number; offset: number }) {
  const where = itemConditions(filter);
  const [rows, [total]] = await Promise.all([
    db.select(summaryColumns).from(items).where(where).orderBy(desc(items.createdAt), desc(items.id)).limit(page.limit).offset(page.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(items).where(where),
  ]);
  return { rows: rows as ItemSummaryRow[], total: total?.n ?? 0 };
}

/** Items marked public, newest first, with their departments' names: nothing internal. */
export async function listPublicItems(db: Executor, page: { limit: number; offset: number }) {
  const where = eq(items.public, true);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        title: items.title,
        kind: items.kind,
        dueAt: items.dueAt,
        status: items.status,
        light: items.light,
        departments: sql<string[]>`coalesce((select array_agg(d.name order by d.name) from ${departments} d where d.id = any(${items.departmentIds})), '{}')`,
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
