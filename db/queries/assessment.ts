// Assessment (考核) inputs: the weights an admin set, and per department the facts that cost
// points (db/queries/dashboard.ts facts, same filters as the dashboard).
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { assessmentWeights } from '../schema/assessment';
import { factConditions, factsSource, type FactFilter } from './dashboard';

export interface Weights {
  onTimeRate: number;
  redEver: number;
  urge: number;
  returned: number;
  postponed: number;
}

export const DEFAULT_WEIGHTS: Weights = { onTimeRate: 40, redEver: 5, urge: 1, returned: 2, postponed: 2 };
const KEY = 'default';

export async function getWeights(db: Executor): Promise<Weights & { updatedAt: Date | null }> {
  const [row] = await db.select().from(assessmentWeights).where(eq(assessmentWeights.id, KEY));
  if (!row) return { ...DEFAULT_WEIGHTS, updatedAt: null };
  return { onTimeRate: row.onTimeRate, redEver: row.redEver, urge: row.urge, returned: row.returned, postponed: row.postponed, updatedAt: row.updatedAt };
}

export async function setWeights(db: Executor, weights: Weights, updatedBy: string): Promise<void> {
  const values = { ...weights, updatedBy, updatedAt: new Date() };
  await db.insert(assessmentWeights).values({ id: KEY, ...values }).onConflictDoUpdate({ target: assessmentWeights.id, set: values });
}

export interface DepartmentTally {
  departmentId: string;
  departmentName: string | null;
  total: number;
  completed: number;
  onTime: number;
}

export interface CostlyFact {
  departmentId: string;
  taskId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  completed: boolean;
  outcome: string | null;
  redEver: boolean;
  postponed: boolean;
  urges: number;
  returns: number;
}

/** Per department: its counts, and every task that costs it points (the explanation). */
export async function assessmentFacts(db: Executor, filter: FactFilter): Promise<{ tallies: DepartmentTally[]; costly: CostlyFact[] }> {
  const source = factsSource(filter.asOf);
  const where = factConditions(filter);
  const [tallies, costly] = await Promise.all([
    db.execute<Record<string, unknown>>(sql`
      select f.department_id, d.name as department_name, count(*)::int as total,
             count(*) filter (where f.completed)::int as completed,
             count(*) filter (where f.completed and f.outcome = 'on_time')::int as on_time
      from (${source}) f left join departments d on d.id = f.department_id
      where ${where}
      group by f.department_id, d.name`),
    db.execute<Record<string, unknown>>(sql`
      select f.department_id, f.task_id, f.item_id, i.code, i.title, f.completed, f.outcome, f.red_ever, f.postponed, f.urge_count, f.return_count
      from (${source}) f join items i on i.id = f.item_id
      where ${where} and (f.red_ever or f.postponed or f.urge_count > 0 or f.return_count > 0 or (f.completed and f.outcome is distinct from 'on_time'))
      order by i.code, f.task_id`),
  ]);
  return {
    tallies: tallies.map((r) => ({
      departmentId: r.department_id as string,
      departmentName: (r.department_name as string | null) ?? null,
      total: r.total as number,
      completed: r.completed as number,
      onTime: r.on_time as number,
    })),
    costly: costly.map((r) => ({
      departmentId: r.department_id as string,
      taskId: r.task_id as string,
      itemId: r.item_id as string,
      itemCode: r.code as string,
      itemTitle: r.title as string,
      completed: r.completed as boolean,
      outcome: (r.outcome as string | null) ?? null,
      redEver: r.red_ever as boolean,
      postponed: r.postponed as boolean,
      urges: r.urge_count as number,
      returns: r.return_count as number,
    })),
  };
}
