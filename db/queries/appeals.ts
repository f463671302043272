// Reads and writes of citizens' appeals (db/schema/appeals.ts). A stage change is conditional on
// the stage it starts from, so two racing writers cannot both move it.
import { and, count, desc, eq, gte, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
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
}

/**
 * Per department, the appeals dispatched to it in the period (by their latest dispatch) and the
 * returns it made in the period: two grouped scans over indexed columns.
 */
export async function appealFiguresByDepartment(db: Executor, period: { from?: Date; to?: Date; departmentIds?: readonly string[] }): Promise<AppealFigures[]> {
  const inPeriod = (column: typeof appeals.dispatchedAt | typeof appealReturns.returnedAt) =>
    [period.from ? gte(column, period.from) : undefined, period.to ? lt(column, period.to) : undefined].filter((c): c is SQL => c !== undefined);
  const departments = (column: typeof appeals.departmentId | typeof appealReturns.departmentId) =>
    period.departmentIds ? [inArray(column, [...period.departmentIds])] : [];
  const [handled, returns] = await Promise.all([
    db
      .select({
        departmentId: appeals.departmentId,
        appeals: count(),
        visited: sql<number>`count(${appeals.visitResult})::int`,
        satisfied: sql<number>`count(*) filter (where ${appeals.visitResult} in ('satisfied', 'basically_satisfied'))::int`,
        contacted: sql<number>`count(${appeals.contactedInWindow})::int`,
        contactedInWindow: sql<number>`count(*) filter (where ${appeals.contactedInWindow})::int`,
      })
      .from(appeals)
      .where(and(isNotNull(appeals.departmentId), ...inPeriod(appeals.dispatchedAt), ...departments(appeals.departmentId)))
      .groupBy(appeals.departmentId),
    db
      .select({ departmentId: appealReturns.departmentId, returned: count() })
      .from(appealReturns)
      .where(and(...inPeriod(appealReturns.returnedAt), ...departments(appealReturns.departmentId)))
      .groupBy(appealReturns.departmentId),
  ]);
  const byDepartment = new Map<string, AppealFigures>();
  const entry = (id: string) => {
    let e = byDepartment.get(id);
    if (!e) byDepartment.set(id, (e = { departmentId: id, appeals: 0, visited: 0, satisfied: 0, contacted: 0, contactedInWindow: 0, returned: 0 }));
    return e;
  };
  for (const r of handled) Object.assign(entry(r.departmentId!), { ...r, departmentId: r.departmentId! });
  for (const r of returns) entry(r.departmentId).returned = r.returned;
  return [...byDepartment.values()];
}
