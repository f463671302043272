/**
 * The standing book's data at scale, written by Postgres itself (INSERT … SELECT generate_series):
 * 100,000 items launched over two years, four department tasks each over 300 departments, in a
 * realistic mix of states and outcomes. Shared by bench/dashboard.ts and bench/ui.ts.
 */
import type { DatabaseHandle } from '../db/client';

export const ITEMS = 100_000;
export const TASKS_PER_ITEM = 4;
export const DEPARTMENTS = 300;

type Sql = DatabaseHandle['sql'];

/** Replaces the items, tasks and timeline with the generated ones; `lightSchedules` also gives open tasks their light schedules. */
export async function generateStandingBook(pg: Sql, options: { lightSchedules: boolean }): Promise<void> {
  const started = performance.now();
  await pg`truncate items, tasks, item_events cascade`;
  await pg`delete from departments where name like 'bench-dept-%'`;
  await pg`insert into departments (name, name_en) select 'bench-dept-' || n, 'bench ' || n from generate_series(1, ${DEPARTMENTS}) n`;
  // Items launched over the last two years; kinds and issuing leaders round-robin.
  // Its per-item advisory lock, 100,000 times in one statement, outgrows Postgres's lock table; no task exists yet to copy to.
  await pg`alter table items disable trigger items_copy_facts_to_tasks`;
  await pg`
    insert into items (id, code, kind, title, status, light, issued_by, due_at, public, created_at, launched_at, completed_at, red_ever, department_ids, workflow_id, version)
    select gen_random_uuid(), 'BENCH-' || lpad(n::text, 6, '0'),
           (array['meeting_resolution','leadership_instruction','approval_document','routine'])[1 + n % 4],
           '基准事项 ' || n, 'in_progress', 'green',
           ('00000000-0000-4000-8000-' || lpad((n % 20)::text, 12, '0'))::uuid,
           c + interval '30 days', n % 10 = 0, c, c, null, false, '{}', 'item-bench-' || n, 1
    from (select n, now() - (random() * interval '730 days') as c from generate_series(1, ${ITEMS}) n) s`;
  await pg`alter table items enable trigger items_copy_facts_to_tasks`;
  // Four tasks per item, each of another department; a realistic mix of states and outcomes.
  await pg`
    insert into tasks (id, item_id, department_id, role, status, light, light_reason_code, light_reason_en, light_reason_zh,
                       sign_due_at, warn_at, due_at, original_due_at, outcome, red_ever, postponed, urge_count, return_count,
                       started_at, accepted_at, closed_at, workflow_id, version)
    select gen_random_uuid(), i.id, d.ids[1 + (i.n * 7 + k * 75) % ${DEPARTMENTS}], case when k = 0 then 'lead' else 'assist' end,
           st.status,
           case when st.status = 'accepted' then 'green' when r < 0.10 then 'red' when r < 0.30 then 'yellow' else 'green' end,
           'on_track', 'on track', '正常推进',
           i.created_at + interval '1 day', due - interval '3 days', due + case when r2 < 0.1 then interval '10 days' else interval '0' end, due,
           case when st.status <> 'accepted' then null when r2 < 0.1 then 'postponed' when r < 0.2 then 'overdue' else 'on_time' end,
           r < 0.15, r2 < 0.1, (r * 4)::int % 3, (r2 * 10)::int % 2,
           i.created_at,
           case when st.status = 'accepted' then due + (r - 0.7) * interval '10 days' end,
           case when st.status in ('accepted','transferred','cancelled') then due + (r - 0.7) * interval '10 days' end,
           'task-bench-' || i.n || '-' || k, 1
    from (select id, created_at, row_number() over () as n, created_at + (5 + random() * 55) * interval '1 day' as due from items) i
    cross join generate_series(0, ${TASKS_PER_ITEM - 1}) k
    cross join lateral (select random() + 0 * k as r, random() + 0 * i.n as r2) rr
    cross join lateral (select case when rr.r2 < 0.55 then 'accepted' when rr.r2 < 0.85 then 'in_progress' when rr.r2 < 0.90 then 'signed'
                                    when rr.r2 < 0.95 then 'assigned' when rr.r2 < 0.98 then 'transferred' else 'cancelled' end as status) st
    cross join (select array_agg(id order by name) as ids from departments where name like 'bench-dept-%') d`;
  if (options.lightSchedules) await setLightSchedules(pg);
  await pg`update items i set department_ids = t.ids from (select item_id, array_agg(distinct department_id) ids from tasks group by item_id) t where t.item_id = i.id`;
  // The tasks trigger compacts the monthly roll-up every ~1,000 deltas; fold in the rest.
  await pg`select standing_book_compact()`;
  console.log(`generated ${ITEMS} items, ${ITEMS * TASKS_PER_ITEM} tasks, ${DEPARTMENTS} departments in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Open tasks' light schedules (migration 0020): the next instants lie ahead, but for 1,000 green tasks whose yellow instant has just passed and whose timers have not landed (a burst falling due): the set every count adjusts for. */
async function setLightSchedules(pg: Sql): Promise<void> {
  await pg`
    update tasks set yellow_at = case when light = 'green' then now() + (1 + random() * 30) * interval '1 day' end,
                     red_at = case when light <> 'red' then now() + (31 + random() * 30) * interval '1 day' end
    where status not in ('accepted', 'transferred', 'cancelled')`;
  await pg`
    update tasks set yellow_at = now() - interval '1 minute'
    where id in (select id from tasks where light = 'green' and status not in ('accepted', 'transferred', 'cancelled') limit 1000)`;
}
