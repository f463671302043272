/**
 * A province-sized year in the read model, written by Postgres itself (INSERT … SELECT over
 * generate_series: no API, no workflow) for bench/load.ts: `items` supervision items launched over
 * the last 365 days, four department tasks each (one lead, three assisting) spread over `departments`
 * departments, and a timeline in proportion (the item's launch, each task's assignment, and the
 * acceptance of each accepted task).
 *
 * States as a year looks: the newest `openItems` items are open (tasks assigned, signed, in progress,
 * submitted or already accepted; lights from their deadlines: red past due, yellow within the
 * warning, else green, with the schedule the read side checks); of the rest 1 % were cancelled and
 * the others completed (every task accepted: 85 % on time, 10 % overdue, 5 % postponed).
 *
 * Every preloaded row is marked: item codes `LOAD-…`, workflow ids `load-item-…` / `load-task-…`,
 * departments `load-dept-…`, so the rows a run adds through the API can be told apart and removed.
 */
import type { Sql } from 'postgres';

export interface PreloadShape {
  items: number;
  openItems: number;
  departments: number;
  /** Ids of the leaders the items are issued by (round robin). */
  leaderIds: string[];
}

export interface PreloadCounts {
  items: number;
  tasks: number;
  openItems: number;
  events: number;
  departments: number;
}

const CLOSED = `('accepted', 'transferred', 'cancelled')`;

/** The preload's departments (created when missing), in name order. */
export async function ensureDepartments(sql: Sql, count: number): Promise<string[]> {
  await sql`
    insert into departments (name, name_en)
    select '负载单位-' || lpad(n::text, 4, '0'), 'load-dept-' || lpad(n::text, 4, '0') from generate_series(1, ${count}) n
    on conflict (name) do nothing`;
  const rows = await sql<{ id: string }[]>`select id from departments where name_en like 'load-dept-%' order by name_en limit ${count}`;
  return rows.map((r) => r.id);
}

/** What the database holds of the preload now. */
export async function preloadCounts(sql: Sql): Promise<PreloadCounts> {
  const [row] = await sql<PreloadCounts[]>`
    select (select count(*)::int from items where workflow_id like 'load-item-%') as items,
           (select count(*)::int from tasks where workflow_id like 'load-task-%') as tasks,
           (select count(*)::int from items where workflow_id like 'load-item-%' and status = 'in_progress') as "openItems",
           (select count(*)::int from item_events where stream like 'load-%') as events,
           (select count(distinct department_id)::int from tasks where workflow_id like 'load-task-%') as departments`;
  return row!;
}

/** Removes what earlier runs added through the API (their workflows lived in a Temporal that is gone). */
export async function removeLiveRows(sql: Sql): Promise<void> {
  await sql`delete from item_events where stream not like 'load-%'`;
  await sql`delete from tasks where workflow_id not like 'load-task-%'`;
  await sql`delete from items where workflow_id not like 'load-item-%'`;
  await sql`delete from appeals`;
}

/** Writes the year (replacing any earlier preload). */
export async function preloadYear(sql: Sql, shape: PreloadShape): Promise<PreloadCounts> {
  const departmentIds = await ensureDepartments(sql, shape.departments);
  // Cascade: the AI's fingerprints and merges refer to items; the roll-ups reset with their tables.
  await sql`truncate items, tasks, item_events cascade`;
  await sql`delete from appeals`;
  // The per-row triggers (live events, the roll-ups' deltas, the item facts' copy) are off while the
  // rows are written; the roll-ups are then rebuilt from the rows by the migrations' own statements.
  await sql.begin(async (tx) => {
    await tx.unsafe(`lock table items, tasks in exclusive mode`);
    for (const [table, trigger] of PER_ROW_TRIGGERS) await tx.unsafe(`alter table ${table} disable trigger ${trigger}`);
    await writeRows(tx as unknown as Sql, shape, departmentIds);
    for (const [table, trigger] of PER_ROW_TRIGGERS) await tx.unsafe(`alter table ${table} enable trigger ${trigger}`);
    await rebuildRollups(tx as unknown as Sql);
  });
  await sql.unsafe('vacuum analyze items, tasks, item_events, standing_book_months, items_list_counts, departments');
  return preloadCounts(sql);
}

const PER_ROW_TRIGGERS = [
  ['tasks', 'tasks_live_insert'],
  ['items', 'items_live_insert'],
  ['items', 'items_live_update'],
  ['tasks', 'tasks_copy_item_facts'],
  ['tasks', 'standing_book_collect_insert'],
  ['items', 'items_list_count_collect'],
  ['items', 'items_list_count_collect_update'],
  // Its per-item advisory lock, 100,000 times in one transaction, outgrows Postgres's lock table; the rows carry the facts already.
  ['items', 'items_copy_facts_to_tasks'],
] as const;

/** The roll-ups from the rows, as migrations 0016 (standing book by month) and 0017 (list counts) build them. */
async function rebuildRollups(sql: Sql): Promise<void> {
  await sql`delete from standing_book_month_deltas`;
  await sql`delete from standing_book_months`;
  await sql`
    insert into standing_book_months (basis, month_start, kind, department_id, total, completed, on_time, overdue, postponed, in_progress, yellow, red, red_ever)
    select c.basis, c.month_start, c.kind, c.department_id, sum(c.total), sum(c.completed), sum(c.on_time), sum(c.overdue),
           sum(c.postponed), sum(c.in_progress), sum(c.yellow), sum(c.red), sum(c.red_ever)
    from tasks t cross join lateral standing_book_contribution(t, 1) c
    group by c.basis, c.month_start, c.kind, c.department_id`;
  await sql`delete from items_list_count_deltas`;
  await sql`delete from items_list_counts`;
  await sql`
    insert into items_list_counts (department_id, kind, status, light, issued_by, n)
    select every.d, i.kind, i.status, i.light, i.issued_by, count(*)
    from items i cross join lateral (select null::uuid union select unnest(i.department_ids)) as every(d)
    group by 1, 2, 3, 4, 5`;
}

async function writeRows(sql: Sql, shape: PreloadShape, departmentIds: string[]): Promise<void> {
  // Open: the newest 70 % of `openItems`, and every `step`-th item of the two months before them (these past due: red).
  const recentOpen = Math.round(shape.openItems * 0.7);
  const closedItems = shape.items - recentOpen;
  const olderFrom = closedItems - Math.round(shape.items / 6);
  const step = Math.max(1, Math.round((closedItems - olderFrom) / Math.max(1, shape.openItems - recentOpen)));
  // Launched evenly over the year, oldest first; due 10–60 days after launch.
  await sql`
    insert into items (id, code, kind, title, description, source, status, light, issued_by, due_at, public, created_at, launched_at,
                       completed_at, cancelled_at, department_ids, workflow_id, version)
    select id, 'LOAD-' || lpad(n::text, 6, '0'),
           (array['meeting_resolution','leadership_instruction','approval_document','routine'])[1 + n % 4],
           (array['关于推进','关于落实','关于督办','关于整改'])[1 + n % 4] || (array['老旧小区改造','河道整治','营商环境优化','安全生产检查','乡村振兴项目'])[1 + n % 5] || '的事项（第' || n || '号）',
           '年度负载数据', '省政府常务会议纪要〔2026〕' || (1 + n % 50) || '号',
           case when open then 'in_progress' when n % 100 = 0 then 'cancelled' else 'completed' end,
           'green', (${shape.leaderIds}::uuid[])[1 + n % ${shape.leaderIds.length}], due, n % 10 = 0, c, c,
           case when not open and n % 100 <> 0 then least(now(), due + (n % 13 - 9) * interval '1 day') end,
           case when not open and n % 100 = 0 then c + interval '5 days' end,
           '{}', 'load-item-' || n, 3
    from (select n, gen_random_uuid() as id,
                 now() - interval '365 days' + (n::float8 / ${shape.items}) * interval '364 days' as c,
                 now() - interval '365 days' + (n::float8 / ${shape.items}) * interval '364 days' + (10 + n % 51) * interval '1 day' as due,
                 n > ${closedItems} or (n > ${olderFrom} and n % ${step} = 0) as open
          from generate_series(1, ${shape.items}) n) s`;
  await sql`
    insert into tasks (id, item_id, department_id, role, status, light, light_reason_code, light_reason_en, light_reason_zh,
                       yellow_at, red_at, sign_due_at, warn_at, due_at, original_due_at, outcome, red_ever, postponed, percent,
                       urge_count, started_at, signed_at, submitted_at, accepted_at, closed_at, workflow_id, version,
                       item_kind, item_issued_by, item_launched_at, item_public)
    select gen_random_uuid(), i.id, (${departmentIds}::uuid[])[1 + (i.n * 7 + k * 75) % ${departmentIds.length}],
           case when k = 0 then 'lead' else 'assist' end, st.status, lt.light, 'on_track', 'on track', '正常推进',
           case when st.open and lt.light = 'green' then i.due_at - interval '3 days' end,
           case when st.open and lt.light <> 'red' then i.due_at end,
           i.created_at + interval '1 day', i.due_at - interval '3 days',
           i.due_at + case when st.outcome = 'postponed' then interval '10 days' else interval '0' end, i.due_at,
           st.outcome, coalesce(st.outcome = 'overdue', false) or lt.light = 'red', coalesce(st.outcome = 'postponed', false),
           case when st.status in ('in_progress','submitted') then 20 + (i.n * 3 + k) % 70 end,
           (i.n + k) % 3, i.created_at,
           case when st.status <> 'assigned' and st.status <> 'cancelled' then i.created_at + interval '6 hours' end,
           case when st.status in ('submitted','accepted') then least(now(), i.due_at + st.late) - interval '1 day' end,
           case when st.status = 'accepted' then least(now(), i.due_at + st.late) end,
           case when st.status = 'accepted' then least(now(), i.due_at + st.late) when st.status = 'cancelled' then i.cancelled_at end,
           'load-task-' || i.n || '-' || k, 3, i.kind, i.issued_by, i.created_at, i.public
    from (select id, kind, issued_by, created_at, due_at, cancelled_at, status, public, substring(workflow_id from 11)::int as n from items where workflow_id like 'load-item-%') i
    cross join generate_series(0, 3) k
    cross join lateral (
      select case when i.status = 'cancelled' then 'cancelled'
                  when i.status = 'completed' then 'accepted'
                  else (array['assigned','signed','in_progress','in_progress','in_progress','submitted','accepted','in_progress','signed','in_progress'])[1 + (i.n * 3 + k) % 10] end as status,
             case when i.status = 'cancelled' then null
                  when (i.n + k) % 20 = 0 then 'postponed' when (i.n + k) % 10 = 1 then 'overdue' else 'on_time' end as outcome,
             case when (i.n + k) % 10 = 1 then interval '4 days' when (i.n + k) % 20 = 0 then interval '8 days' else -(1 + (i.n + k) % 5) * interval '1 day' end as late
    ) s0
    cross join lateral (select s0.status, case when s0.status = 'accepted' then s0.outcome end as outcome, s0.late, s0.status not in ${sql.unsafe(CLOSED)} as open) st
    cross join lateral (
      select case when not st.open then 'green' when i.due_at <= now() then 'red' when i.due_at - interval '3 days' <= now() then 'yellow' else 'green' end as light
    ) lt`;
  await sql`update items i set department_ids = t.ids from (select item_id, array_agg(department_id order by role desc, department_id) ids from tasks group by item_id) t where t.item_id = i.id`;
  await preloadTimeline(sql);
}

/** The timeline the item page shows: launched, each task assigned, each accepted task reviewed. */
async function preloadTimeline(sql: Sql): Promise<void> {
  await sql`
    insert into item_events (id, item_id, task_id, stream, seq, version, type, actor_user_id, actor_name, actor_role, payload, at)
    select workflow_id || '#1', id, null, workflow_id, 1, 0, 'launched', issued_by::text, '督查室', 'supervisor', '{}'::jsonb, created_at
    from items where workflow_id like 'load-item-%'`;
  await sql`
    insert into item_events (id, item_id, task_id, stream, seq, version, type, actor_user_id, actor_name, actor_role, payload, at)
    select workflow_id || '#1', item_id, id, workflow_id, 1, 0, 'assigned', item_issued_by::text, '督查室', 'supervisor',
           jsonb_build_object('role', role, 'departmentId', department_id), started_at
    from tasks where workflow_id like 'load-task-%'`;
  await sql`
    insert into item_events (id, item_id, task_id, stream, seq, version, type, actor_user_id, actor_name, actor_role, payload, at)
    select workflow_id || '#2', item_id, id, workflow_id, 2, 2, 'review', item_issued_by::text, '督查室', 'supervisor',
           jsonb_build_object('decision', 'accept', 'comment', ''), accepted_at
    from tasks where workflow_id like 'load-task-%' and status = 'accepted'`;
}
