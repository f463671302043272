// Reads and writes of citizens' appeals (db/schema/appeals.ts). A stage change is conditional on
// the stage it starts from, so two racing writers cannot both move it.
import { and, count, desc, eq, gte, inArray, isNotNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { appealReturns, appeals, type AppealRow } from '../schema/appeals';
import type { AppealStage } from '../../domain/appeals';

export type AppealInsert = typeof appeals.$inferInsert;
export type AppealChange = Partial<Omit<AppealInsert, 'id' | 'code' | 'queryCode'>>;

/** `SQ-2026-000123`: the year it was registered (China time) and a number that never repeats. */
export async function nextAppealCode(db: Executor, year: number): Promise<string> {
  const [row] = await db.execute<{ n: string }>(sql`select nextval('appeal_code_seq')::text as n`);
  return `SQ-${year}-${row!.n.padStart(6, '0')}`;
}

export async function insertAppeal(db: Executor, row: AppealInsert): Promise<AppealRow> {
  const [inserted] = await db.insert(appeals).values(row).returning();
  return inserted!;
}

export async function findAppeal(db: Executor, id: string): Promise<AppealRow | undefined> {
  const [row] = await db.select().from(appeals).where(eq(appeals.id, id));
  return row;
}

/** The appeal an outside system posted under its own id (POST /api/intake/appeals), if any. */
export async function findAppealByExternalId(db: Executor, source: string, externalId: string): Promise<AppealRow | undefined> {
  const [row] = await db.select().from(appeals).where(and(eq(appeals.source, source), eq(appeals.externalId, externalId)));
  return row;
}

export async function findAppealByQueryCode(db: Executor, queryCode: string): Promise<AppealRow | undefined> {
  const [row] = await db.select().from(appeals).where(eq(appeals.queryCode, queryCode));
  return row;
}

/** Moves an appeal on from one of `from` stages; undefined when it was no longer in one of them. */
export async function changeAppeal(db: Executor, id: string, from: readonly AppealStage[], change: AppealChange): Promise<AppealRow | undefined> {
  const [row] = await db
    .update(appeals)
    .set(change)
    .where(and(eq(appeals.id, id), inArray(appeals.stage, [...from])))
    .returning();
  return row;
}

export async function recordAppealReturn(db: Executor, row: typeof appealReturns.$inferInsert): Promise<void> {
  await db.insert(appealReturns).values(row);
}

export interface AppealListFilter {
  stages?: readonly AppealStage[];
  /** Only those whose return visit is due before this instant. */
  visitDueBefore?: Date;
}

export async function listAppeals(db: Executor, filter: AppealListFilter, window: { limit: number; offset: number }) {
  const where: SQL[] = [];
  if (filter.stages) where.push(inArray(appeals.stage, [...filter.stages]));
  if (filter.visitDueBefore) where.push(and(isNotNull(appeals.visitDueAt), lt(appeals.visitDueAt, filter.visitDueBefore))!);
  const condition = where.length > 0 ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(appeals).where(condition).orderBy(desc(appeals.createdAt)).limit(window.limit).offset(window.offset),
    db.select({ n: count() }).from(appeals).where(condition),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export interface AppealFigures {
  departmentId: string;
  appeals: number;
  visited: number;
  satisfied: number;
  contacted: number;
  contactedInWindow: number;
  returned: number;
  /** Never returned (退单) since it was first dispatched: the dispatch was right the first time. */
  firstDispatchKept: number;
  /** Reopened (重办) after an unsatisfied return visit. */
  reopened: number;
  /** Replied to the citizen, and the hours from dispatch to reply summed over those. */
  replied: number;
  handlingHours: number;
}

type FiguresPeriod = { from?: Date | undefined; to?: Date | undefined; departmentIds?: readonly string[] | undefined; asOf?: Date | null | undefined };

const inPeriod = (period: FiguresPeriod, column: typeof appeals.dispatchedAt | typeof appealReturns.returnedAt) =>
  [
    period.from ? gte(column, period.from) : undefined,
    period.to ? lt(column, period.to) : undefined,
    period.asOf ? lte(column, period.asOf) : undefined,
  ].filter((c): c is SQL => c !== undefined);

/** Appeals per department now: the department holding each today, with its visit and contact facts. */
function handledNow(db: Executor, period: FiguresPeriod) {
  const departments = period.departmentIds ? [inArray(appeals.departmentId, [...period.departmentIds])] : [];
  return db
    .select({
      departmentId: sql<string>`${appeals.departmentId}`,
      appeals: count(),
      visited: sql<number>`count(${appeals.visitResult})::int`,
      satisfied: sql<number>`count(*) filter (where ${appeals.visitResult} in ('satisfied', 'basically_satisfied'))::int`,
      contacted: sql<number>`count(${appeals.contactedInWindow})::int`,
      contactedInWindow: sql<number>`count(*) filter (where ${appeals.contactedInWindow})::int`,
      firstDispatchKept: sql<number>`count(*) filter (where ${appeals.returnCount} = 0)::int`,
      reopened: sql<number>`count(*) filter (where ${appeals.reopenCount} > 0)::int`,
      replied: sql<number>`count(${appeals.repliedAt})::int`,
      handlingHours: sql<number>`coalesce(sum(extract(epoch from ${appeals.repliedAt} - ${appeals.dispatchedAt}) / 3600), 0)::float8`,
    })
    .from(appeals)
    .where(and(isNotNull(appeals.departmentId), ...inPeriod(period, appeals.dispatchedAt), ...departments))
    .groupBy(appeals.departmentId);
}

/**
 * Appeals per department as they stood at `asOf`: the department that held each then (the first to
 * return it after `asOf`, else today's; none while it waited for a re-dispatch), and only the
 * contacts and visits made by then, by the department that holds it today. A department that held an
 * appeal between two returns, both after asOf, and a visit before a reopening are not told apart.
 */
function handledAsOf(db: Executor, period: FiguresPeriod & { asOf: Date }) {
  // A Date inside raw sql is not mapped by the driver: the instant as text, cast.
  const asOf = sql`${period.asOf.toISOString()}::timestamptz`;
  const laterReturn = sql`(select r.department_id from ${appealReturns} r where r.appeal_id = ${appeals.id} and r.returned_at > ${asOf} order by r.returned_at limit 1)`;
  const holder = sql<string>`coalesce(${laterReturn}, case when ${appeals.lastDispatchedAt} <= ${asOf} then ${appeals.departmentId} end)`;
  const today = sql`${laterReturn} is null`;
  const visitedBy = sql`${today} and ${appeals.visitedAt} <= ${asOf}`;
  const contactedBy = sql`${today} and ${appeals.contactedAt} <= ${asOf}`;
  const inner = db
    .select({
      holder: holder.as('holder'),
      visited: sql<boolean>`coalesce(${visitedBy} and ${appeals.visitResult} is not null, false)`.as('visited'),
      satisfied: sql<boolean>`coalesce(${visitedBy} and ${appeals.visitResult} in ('satisfied', 'basically_satisfied'), false)`.as('satisfied'),
      contacted: sql<boolean>`coalesce(${contactedBy} and ${appeals.contactedInWindow} is not null, false)`.as('contacted'),
      inWindow: sql<boolean>`coalesce(${contactedBy} and ${appeals.contactedInWindow}, false)`.as('in_window'),
      kept: sql<boolean>`not exists (select 1 from ${appealReturns} r where r.appeal_id = ${appeals.id} and r.returned_at <= ${asOf})`.as('kept'),
      reopened: sql<boolean>`coalesce(${visitedBy} and ${appeals.reopenCount} > 0, false)`.as('reopened'),
      repliedHours: sql<number | null>`case when ${today} and ${appeals.repliedAt} <= ${asOf} then extract(epoch from ${appeals.repliedAt} - ${appeals.dispatchedAt}) / 3600 end`.as('replied_hours'),
    })
    .from(appeals)
    .where(and(isNotNull(appeals.departmentId), ...inPeriod(period, appeals.dispatchedAt)))
    .as('held');
  return db
    .select({
      departmentId: sql<string>`${inner.holder}`,
      appeals: count(),
      visited: sql<number>`count(*) filter (where ${inner.visited})::int`,
      satisfied: sql<number>`count(*) filter (where ${inner.satisfied})::int`,
      contacted: sql<number>`count(*) filter (where ${inner.contacted})::int`,
      contactedInWindow: sql<number>`count(*) filter (where ${inner.inWindow})::int`,
      firstDispatchKept: sql<number>`count(*) filter (where ${inner.kept})::int`,
      reopened: sql<number>`count(*) filter (where ${inner.reopened})::int`,
      replied: sql<number>`count(${inner.repliedHours})::int`,
      handlingHours: sql<number>`coalesce(sum(${inner.repliedHours}), 0)::float8`,
    })
    .from(inner)
    .where(and(isNotNull(inner.holder), period.departmentIds ? inArray(inner.holder, [...period.departmentIds]) : undefined))
    .groupBy(inner.holder);
}

/**
 * Per department, the appeals dispatched to it in the period and the returns it made in the period:
 * grouped scans over indexed columns; with `asOf`, as things stood at that instant.
 */
export async function appealFiguresByDepartment(db: Executor, period: FiguresPeriod): Promise<AppealFigures[]> {
  const departments = period.departmentIds ? [inArray(appealReturns.departmentId, [...period.departmentIds])] : [];
  const [handled, returns] = await Promise.all([
    period.asOf ? handledAsOf(db, { ...period, asOf: period.asOf }) : handledNow(db, period),
    db
      .select({ departmentId: appealReturns.departmentId, returned: count() })
      .from(appealReturns)
      .where(and(...inPeriod(period, appealReturns.returnedAt), ...departments))
      .groupBy(appealReturns.departmentId),
  ]);
  const byDepartment = new Map<string, AppealFigures>();
  const entry = (id: string) => {
    let e = byDepartment.get(id);
    if (!e) {
      e = { departmentId: id, appeals: 0, visited: 0, satisfied: 0, contacted: 0, contactedInWindow: 0, returned: 0, firstDispatchKept: 0, reopened: 0, replied: 0, handlingHours: 0 };
      byDepartment.set(id, e);
    }
    return e;
  };
  for (const r of handled) Object.assign(entry(r.departmentId), { ...r, departmentId: r.departmentId });
  for (const r of returns) entry(r.departmentId).returned = r.returned;
  return [...byDepartment.values()];
}
