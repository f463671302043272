/** Reads and writes of the supervision-matter catalogue (db/schema/matters.ts). Every function takes the database first. */
import { and, asc, count, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { MatterFacts } from '../../domain/matters';
import type { Executor } from '../client';
import { factConditions, factsSource, type FactFilter } from './dashboard';
import { itemMatters, supervisionMatters, type MatterRow } from '../schema/matters';
import { departments } from '../schema/org';

export type { MatterRow };

export interface MatterListFilter {
  departmentIds?: readonly string[];
  /** Part of the code or name. */
  q?: string;
  limit: number;
  offset: number;
}

function listConditions(filter: Omit<MatterListFilter, 'limit' | 'offset'>): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.departmentIds?.length) conditions.push(inArray(supervisionMatters.departmentId, [...filter.departmentIds]));
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(supervisionMatters.code, like), ilike(supervisionMatters.name, like))!);
  }
  return conditions.length ? and(...conditions) : undefined;
}

export async function listMatters(db: Executor, filter: MatterListFilter) {
  const where = listConditions(filter);
  const [rows, [total]] = await Promise.all([
    db
      .select({ matter: supervisionMatters, departmentName: departments.name, departmentNameEn: departments.nameEn })
      .from(supervisionMatters)
      .leftJoin(departments, eq(departments.id, supervisionMatters.departmentId))
      .where(where)
      .orderBy(asc(supervisionMatters.code))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ n: count() }).from(supervisionMatters).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function findMatter(db: Executor, id: string) {
  const [row] = await db
    .select({ matter: supervisionMatters, departmentName: departments.name, departmentNameEn: departments.nameEn })
    .from(supervisionMatters)
    .leftJoin(departments, eq(departments.id, supervisionMatters.departmentId))
    .where(eq(supervisionMatters.id, id));
  return row ?? null;
}

export async function findMatterByCode(db: Executor, code: string): Promise<MatterRow | null> {
  const [row] = await db.select().from(supervisionMatters).where(eq(supervisionMatters.code, code));
  return row ?? null;
}

export async function insertMatter(db: Executor, row: MatterFacts & { updatedBy: string }): Promise<MatterRow | null> {
  const [saved] = await db.insert(supervisionMatters).values(row).onConflictDoNothing().returning();
  return saved ?? null;
}

export async function updateMatter(db: Executor, id: string, patch: Partial<MatterFacts> & { updatedBy: string }): Promise<MatterRow | null> {
  const [saved] = await db
    .update(supervisionMatters)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(supervisionMatters.id, id))
    .returning();
  return saved ?? null;
}

/** Inserts new codes and updates known ones; counts which was which (xmax = 0 on a fresh insert). */
export async function upsertMatters(db: Executor, rows: readonly MatterFacts[], updatedBy: string): Promise<{ created: number; updated: number }> {
  let created = 0;
  // Postgres takes at most 65,535 parameters per statement: 500 rows of 9 at a time.
  for (let i = 0; i < rows.length; i += 500) {
    const saved = await db
      .insert(supervisionMatters)
      .values(rows.slice(i, i + 500).map((r) => ({ ...r, updatedBy })))
      .onConflictDoUpdate({
        target: supervisionMatters.code,
        set: {
          name: sql`excluded.name`,
          departmentId: sql`excluded.department_id`,
          level: sql`excluded.level`,
          object: sql`excluded.object`,
          legalBasis: sql`excluded.legal_basis`,
          process: sql`excluded.process`,
          expectedResult: sql`excluded.expected_result`,
          updatedBy: sql`excluded.updated_by`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ inserted: sql<boolean>`xmax = 0` });
    created += saved.filter((r) => r.inserted).length;
  }
  return { created, updated: rows.length - created };
}

/** How many items are tied to the matter (a matter with items is kept: the standing book counts them). */
export async function itemsOfMatter(db: Executor, matterId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(itemMatters).where(eq(itemMatters.matterId, matterId));
  return row?.n ?? 0;
}

/** Deletes the matter; rules and appeals naming it forget it (ON DELETE set null). */
export async function deleteMatter(db: Executor, id: string): Promise<boolean> {
  const deleted = await db.delete(supervisionMatters).where(eq(supervisionMatters.id, id)).returning({ id: supervisionMatters.id });
  return deleted.length > 0;
}

/** Ties an item to a matter (in its launch's transaction; again at a re-dispatch naming another). */
export async function tieItemToMatter(db: Executor, itemId: string, matterId: string): Promise<void> {
  await db.insert(itemMatters).values({ itemId, matterId }).onConflictDoUpdate({ target: itemMatters.itemId, set: { matterId } });
}

export async function matterOfItem(db: Executor, itemId: string): Promise<string | null> {
  const [row] = await db.select({ matterId: itemMatters.matterId }).from(itemMatters).where(eq(itemMatters.itemId, itemId));
  return row?.matterId ?? null;
}

export interface MatterFiguresRow {
  matterId: string;
  code: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  departmentNameEn: string | null;
  items: number;
  tasks: number;
  open: number;
  red: number;
  done: number;
  onTime: number;
}

/**
 * The standing book by matter: per matter of the catalogue (of the named responsible departments, or
 * all), its tied items and their tasks' facts in the filter's window (kind, dates, issuer, asOf): open,
 * red now, done and done on time. A matter with nothing in the window gets a row of zeros.
 */
export async function matterFigures(db: Executor, filter: FactFilter, matterDepartmentIds: readonly string[] | undefined, now = new Date()): Promise<MatterFiguresRow[]> {
  const facts = { ...filter, departmentIds: undefined };
  const departmentsNamed = matterDepartmentIds?.length
    ? sql`where m.department_id in (${sql.join(matterDepartmentIds.map((id) => sql`${id}::uuid`), sql`, `)})`
    : sql``;
  const rows = await db.execute<Record<string, unknown>>(sql`
    select m.id, m.code, m.name, m.department_id, d.name as department_name, d.name_en as department_name_en,
           count(distinct f.item_id)::int as items, count(f.task_id)::int as tasks,
           count(f.task_id) filter (where not f.completed)::int as open,
           count(f.task_id) filter (where not f.completed and f.light = 'red')::int as red,
           count(f.task_id) filter (where f.completed)::int as done,
           count(f.task_id) filter (where f.completed and f.outcome = 'on_time')::int as on_time
    from supervision_matters m
    left join departments d on d.id = m.department_id
    left join item_matters im on im.matter_id = m.id
    left join (${factsSource(filter.asOf, now)}) f on f.item_id = im.item_id and ${factConditions(facts)}
    ${departmentsNamed}
    group by m.id, d.name, d.name_en
    order by m.code`);
  return rows.map((r) => ({
    matterId: r.id as string,
    code: r.code as string,
    name: r.name as string,
    departmentId: r.department_id as string,
    departmentName: (r.department_name as string | null) ?? null,
    departmentNameEn: (r.department_name_en as string | null) ?? null,
    items: Number(r.items),
    tasks: Number(r.tasks),
    open: Number(r.open),
    red: Number(r.red),
    done: Number(r.done),
    onTime: Number(r.on_time),
  }));
}
