// On-time statistics per department over the items marked public (GET /public/stats): the standing
// book's definitions (completed = accepted; on time = accepted with outcome on_time), nothing else.
import { sql } from 'drizzle-orm';
import type { Executor } from '../client';

export interface PublicDepartmentStats {
  departmentId: string;
  name: string;
  total: number;
  completed: number;
  onTime: number;
}

export async function publicDepartmentStats(db: Executor): Promise<PublicDepartmentStats[]> {
  // Index-only over tasks_public_stats_idx (migration 0035): the public items' counting tasks only.
  const rows = await db.execute<{ department_id: string; name: string; total: number; completed: number; on_time: number }>(sql`
    select d.id as department_id, d.name, c.total, c.completed, c.on_time
    from (
      select t.department_id,
             count(*)::int as total,
             count(*) filter (where t.status = 'accepted')::int as completed,
             count(*) filter (where t.status = 'accepted' and t.outcome = 'on_time')::int as on_time
      from tasks t
      where t.item_public and t.status not in ('transferred', 'cancelled')
      group by t.department_id
    ) c
    join departments d on d.id = c.department_id
    order by d.name`);
  return rows.map((r) => ({ departmentId: r.department_id, name: r.name, total: r.total, completed: r.completed, onTime: r.on_time }));
}
