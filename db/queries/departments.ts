import { asc, count, eq, ilike, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { departments } from '../schema/org';

export async function listDepartments(db: Executor, filter: { q?: string }, page: { limit: number; offset: number }) {
  const where = filter.q ? ilike(departments.name, `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined;
  const [rows, [total]] = await Promise.all([
    db.select().from(departments).where(where).orderBy(asc(departments.name)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(departments).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function findDepartment(db: Executor, id: string) {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  return row;
}

export async function findDepartmentByName(db: Executor, name: string) {
  const [row] = await db.select({ id: departments.id }).from(departments).where(eq(departments.name, name));
  return row;
}

/** The ids of `id` and all its ancestors, nearest first (stops on a loop). */
export async function departmentAncestry(db: Executor, id: string): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from departments where id = ${id}
      union
      select d.id, d.parent_id, up.depth + 1 from departments d join up on d.id = up.parent_id where up.depth < 64
    )
    select id from up order by depth`);
  return rows.map((r) => r.id);
}

export async function insertDepartment(db: Executor, values: typeof departments.$inferInsert) {
  const [row] = await db.insert(departments).values(values).returning();
  return row!;
}

export async function updateDepartment(db: Executor, id: string, values: Partial<typeof departments.$inferInsert>) {
  // An empty PATCH changes nothing and answers the department as it is (drizzle refuses an empty SET).
  if (Object.values(values).every((v) => v === undefined)) {
    const [row] = await db.select().from(departments).where(eq(departments.id, id));
    return row;
  }
  const [row] = await db.update(departments).set(values).where(eq(departments.id, id)).returning();
  return row;
}
