// Assessment (考核) inputs: the weights an admin set, per department the tallies of what costs
// points, and the paged deductions behind them (db/queries/dashboard.ts facts, same filters as the
// dashboard), so a score never needs every task in memory.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { assessmentWeights } from '../schema/assessment';
import { factConditions, factsSource, type FactFilter } from './dashboard';

export interface Weights {
  onTimeRate: number;
  redEver: number;
  urge: number;
  returned: number;
  postponed: number;
  appealUnsatisfied: number;
  appealLateContact: number;
  appealReopened: number;
}

export const DEFAULT_WEIGHTS: Weights = { onTimeRate: 40, redEver: 5, urge: 1, returned: 2, postponed: 2, appealUnsatisfied: 3, appealLateContact: 1, appealReopened: 2 };
const KEY = 'default';

export async function getWeights(db: Executor): Promise<Weights & { updatedAt: Date | null }> {
  const [row] = await db.select().from(assessmentWeights).where(eq(assessmentWeights.id, KEY));
  if (!row) return { ...DEFAULT_WEIGHTS, updatedAt: null };
  return { ...weightsOf(row), updatedAt: row.updatedAt };
}

/** Just the points of each factor (what the answers show), from a row or a partial set over the current one. */
export function weightsOf(w: Partial<Weights>, fallback: Weights = DEFAULT_WEIGHTS): Weights {
  return {
    onTimeRate: w.onTimeRate ?? fallback.onTimeRate,
    redEver: w.redEver ?? fallback.redEver,
    urge: w.urge ?? fallback.urge,
    returned: w.returned ?? fallback.returned,
    postponed: w.postponed ?? fallback.postponed,
    appealUnsatisfied: w.appealUnsatisfied ?? fallback.appealUnsatisfied,
    appealLateContact: w.appealLateContact ?? fallback.appealLateContact,
    appealReopened: w.appealReopened ?? fallback.appealReopened,
  };
}

export async function setWeights(db: Executor, weights: Weights, updatedBy: string): Promise<void> {
  const values = { ...weights, updatedBy, updatedAt: new Date() };
  await db.insert(assessmentWeights).values({ id: KEY, ...values }).onConflictDoUpdate({ target: assessmentWeights.id, set: values });
}

export const FACTORS = ['onTimeRate', 'redEver', 'urge', 'returned', 'postponed', 'appealUnsatisfied', 'appealLateContact', 'appealReopened'] as const;
export type Factor = (typeof FACTORS)[number];

/**
 * An appeal's facts on its lead task `f` (the appeal's current department): each counted only once it
 * had happened by `asOf` when the reading is as of a moment.
 */
function appealFact(condition: SQL, happenedAt: SQL, asOf: Date | undefined): SQL {
  const by = asOf ? sql` and ${happenedAt} <= ${asOf.toISOString()}::timestamptz` : sql``;
  return sql`coalesce((select case when ${condition}${by} then 1 else 0 end from appeals a where a.lead_task_id = f.task_id), 0)`;
}

/** What each factor counts per task fact `f` (a deduction row is a task with a count > 0). */
function factorCountOf(asOf: Date | undefined): Record<Factor, SQL> {
  return {
    onTimeRate: sql`case when f.completed and f.outcome is distinct from 'on_time' then 1 else 0 end`,
    redEver: sql`case when f.red_ever then 1 else 0 end`,
    urge: sql`f.urge_count`,
    returned: sql`f.return_count`,
    postponed: sql`case when f.postponed then 1 else 0 end`,
    appealUnsatisfied: appealFact(sql`a.visit_result = 'unsatisfied'`, sql`a.visited_at`, asOf),
    appealLateContact: appealFact(sql`a.contacted_in_window = false`, sql`a.contacted_at`, asOf),
    // Reopened at most once (a second unsatisfied visit closes it): the reopening follows the visit.
    appealReopened: appealFact(sql`a.reopen_count > 0`, sql`a.visited_at`, asOf),
  };
}

export interface DepartmentTally {
  departmentId: string;
  departmentName: string | null;
  total: number;
  completed: number;
  onTime: number;
  /** Per factor: how many times it occurred (late tasks, tasks ever red, urges, returns, postponed tasks) and on how many tasks. */
  factors: Record<Factor, { count: number; tasks: number }>;
}

/** Per department: its counts and each factor's occurrences, in one pass over the facts. */
export async function assessmentTallies(db: Executor, filter: FactFilter): Promise<DepartmentTally[]> {
  const factorCount = factorCountOf(filter.asOf);
  const factorColumns = sql.join(
    FACTORS.map(
      (factor) =>
        sql`coalesce(sum(${factorCount[factor]}), 0)::int as ${sql.identifier(`${factor}_count`)}, count(*) filter (where ${factorCount[factor]} > 0)::int as ${sql.identifier(`${factor}_tasks`)}`,
    ),
    sql`, `,
  );
  const rows = await db.execute<Record<string, unknown>>(sql`
    select f.department_id, d.name as department_name, count(*)::int as total,
           count(*) filter (where f.completed)::int as completed,
           count(*) filter (where f.completed and f.outcome = 'on_time')::int as on_time,
           ${factorColumns}
    from (${factsSource(filter.asOf)}) f left join departments d on d.id = f.department_id
    where ${factConditions(filter)}
    group by f.department_id, d.name`);
  return rows.map((r) => ({
    departmentId: r.department_id as string,
    departmentName: (r.department_name as string | null) ?? null,
    total: r.total as number,
    completed: r.completed as number,
    onTime: r.on_time as number,
    factors: Object.fromEntries(FACTORS.map((f) => [f, { count: r[`${f}_count`] as number, tasks: r[`${f}_tasks`] as number }])) as DepartmentTally['factors'],
  }));
}

export interface DeductionRow {
  departmentId: string;
  /** The department's completed tasks under the same filter (the on-time factor's points are shared among them). */
  departmentCompleted: number;
  taskId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  factor: Factor;
  count: number;
}

/**
 * One page of deductions — a row per (task, factor) that costs points — with the same filters as the
 * tallies, ordered by item code, task and factor; and how many there are in all.
 */
export async function listDeductions(
  db: Executor,
  filter: FactFilter,
  factors: readonly Factor[],
  page: { limit: number; offset: number },
): Promise<{ rows: DeductionRow[]; total: number }> {
  if (factors.length === 0) return { rows: [], total: 0 };
  const factorCount = factorCountOf(filter.asOf);
  const unpivot = sql`cross join lateral (values ${sql.join(
    factors.map((factor) => sql`(${FACTORS.indexOf(factor)}::int, ${factor}::text, (${factorCount[factor]})::int)`),
    sql`, `,
  )}) x(ord, factor, count)`;
  const source = factsSource(filter.asOf);
  const where = sql`${factConditions(filter)} and x.count > 0`;
  const [rows, [counted]] = await Promise.all([
    db.execute<Record<string, unknown>>(sql`
      with facts as materialized (select f.* from (${source}) f where ${factConditions(filter)}),
      completed as (select department_id, count(*) filter (where completed)::int as n from facts group by department_id)
      select f.department_id, c.n as department_completed, f.task_id, f.item_id, i.code, i.title, x.factor, x.count
      from facts f ${unpivot}
      join items i on i.id = f.item_id
      join completed c on c.department_id = f.department_id
      where x.count > 0
      order by i.code, f.task_id, x.ord
      limit ${page.limit} offset ${page.offset}`),
    db.execute<{ n: number }>(sql`select count(*)::int as n from (${source}) f ${unpivot} where ${where}`),
  ]);
  return {
    rows: rows.map((r) => ({
      departmentId: r.department_id as string,
      departmentCompleted: r.department_completed as number,
      taskId: r.task_id as string,
      itemId: r.item_id as string,
      itemCode: r.code as string,
      itemTitle: r.title as string,
      factor: r.factor as Factor,
      count: r.count as number,
    })),
    total: counted?.n ?? 0,
  };
}
