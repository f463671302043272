// The standing book's figures, counted by Postgres over the read model's task rows, never by
// loading rows into memory. Every figure is a predicate over one "fact" row per department task;
// the dashboard counts with `count(*) filter (where <predicate>)` and the drill-down list selects
// with the very same predicate, so a figure and its list agree by construction.
//
// A fact is a department's task that still counts: transferred tasks (the department that
// received it carries the work) and cancelled ones do not. With `asOf`, every fact is rebuilt
// from the item_events timeline as it stood at that instant (light changes, approved extensions)
// and the rows' own timestamps (started, accepted, closed).
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { effectiveLightOfAlias, effectiveLightSql, overtakenSql } from './lights';

export const METRICS = ['total', 'completed', 'onTime', 'overdue', 'postponed', 'inProgress', 'yellow', 'red', 'redEver'] as const;
export type Metric = (typeof METRICS)[number];
export type Counts = Record<Metric, number>;

export const DATE_FIELDS = ['launched', 'due', 'completed'] as const;
export type DateField = (typeof DATE_FIELDS)[number];

export interface FactFilter {
  kind?: string;
  departmentIds?: readonly string[];
  issuedBy?: string;
  dateField: DateField;
  from?: Date;
  to?: Date;
  /** Rebuild every fact as it was at this instant; default: now, from the current rows. */
  asOf?: Date;
}

/**
 * The per-task facts as they are at `readAt` (the moment of reading): straight from the task rows,
 * which carry their item's kind, issuer and launch time (copied on insert), so no join with items is
 * needed. The light is the stored one overtaken by any passed instant of its schedule
 * (db/queries/lights.ts); `light: 'stored'` gives the stored one (what the monthly roll-up counts),
 * and `overtakenOnly` keeps just the rows where the two differ.
 */
function currentFacts(readAt: SQL, options: { light?: 'read' | 'stored'; overtakenOnly?: boolean } = {}): SQL {
  const stored = options.light === 'stored';
  const light = stored ? sql`t.light` : effectiveLightOfAlias('t', readAt);
  // A light overtaken to red counts as "ever red" before its change is recorded.
  const redEver = stored ? sql`t.red_ever` : sql`t.red_ever or (t.light <> 'red' and ${light} = 'red')`;
  return sql`
  select t.id as task_id, t.item_id, t.department_id, t.item_kind as kind, t.item_issued_by as issued_by,
         t.item_launched_at as launched_at, t.due_at, t.accepted_at as completed_at, t.status = 'accepted' as completed,
         t.outcome, ${light} as light, ${redEver} as red_ever, t.postponed, t.urge_count, t.return_count
  from tasks t
  where t.status not in ('transferred', 'cancelled')${options.overtakenOnly ? sql` and ${overtakenSql('t', readAt)}` : sql``}`;
}

/**
 * The per-task facts as they stood at `at`, from the timeline. Urges and returns are counted from
 * their events; the due date is the original one until an extension was approved (a later
 * extension's new date is the current row's: exact for the usual single extension). The light is
 * the last recorded change's, overtaken by the row's schedule when the row's state was already in
 * force at `at` (no event but light changes since): a light change recorded late shows from its
 * instant on.
 */
function factsAsOf(asOf: Date): SQL {
  const at = instant(asOf);
  const lightEvents = sql`e.task_id = t.id and e.type = 'light_changed' and e.at <= ${at}`;
  const approvedExtension = sql`exists (select 1 from item_events e where e.task_id = t.id and e.type = 'extension_decision' and e.at <= ${at} and (e.payload->>'approve')::boolean)`;
  const accepted = sql`coalesce(t.accepted_at <= ${at}, false)`;
  const inForce = sql`not exists (select 1 from item_events e where e.task_id = t.id and e.type <> 'light_changed' and e.at > ${at})`;
  const recorded = sql`coalesce((select e.payload->>'to' from item_events e where ${lightEvents} order by e.at desc, e.seq desc limit 1), 'green')`;
  const light = effectiveLightSql(
    { light: recorded, yellowAt: sql`case when ${inForce} then t.yellow_at end`, redAt: sql`case when ${inForce} then t.red_at end` },
    at,
  );
  return sql`
  select t.id as task_id, t.item_id, t.department_id, i.kind, i.issued_by, i.created_at as launched_at,
         case when ${approvedExtension} then t.due_at else t.original_due_at end as due_at,
         case when ${accepted} then t.accepted_at end as completed_at,
         ${accepted} as completed,
         case when ${accepted} then t.outcome end as outcome,
         ${light} as light,
         exists (select 1 from item_events e where ${lightEvents} and e.payload->>'to' = 'red') or ${light} = 'red' as red_ever,
         ${approvedExtension} as postponed,
         (select count(*)::int from item_events e where e.task_id = t.id and e.type = 'urge' and e.at <= ${at}) as urge_count,
         (select count(*)::int from item_events e where e.task_id = t.id and e.type = 'review' and e.payload->>'decision' = 'return' and e.at <= ${at}) as return_count
  from tasks t join items i on i.id = t.item_id
  where t.started_at <= ${at} and i.created_at <= ${at}
    and not (t.status in ('transferred', 'cancelled') and coalesce(t.closed_at <= ${at}, true))`;
}

/** The facts a filter reads: as of its `asOf`, else as of `readAt` (default: now, the moment of reading). */
export function factsSource(asOf: Date | undefined, readAt: Date = new Date()): SQL {
  return asOf ? factsAsOf(asOf) : currentFacts(instant(readAt));
}

/** Each figure as a predicate over a fact row `f`. */
export const metricPredicate: Record<Metric, SQL> = {
  total: sql`true`,
  completed: sql`f.completed`,
  onTime: sql`f.completed and f.outcome = 'on_time'`,
  overdue: sql`f.completed and f.outcome = 'overdue'`,
  postponed: sql`f.completed and f.outcome = 'postponed'`,
  inProgress: sql`not f.completed`,
  yellow: sql`not f.completed and f.light = 'yellow'`,
  red: sql`not f.completed and f.light = 'red'`,
  redEver: sql`f.red_ever`,
};

const dateColumn: Record<DateField, SQL> = {
  launched: sql`f.launched_at`,
  due: sql`f.due_at`,
  completed: sql`f.completed_at`,
};

export function factConditions(filter: FactFilter, metric?: Metric): SQL {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(sql`f.kind = ${filter.kind}`);
  if (filter.issuedBy) conditions.push(sql`f.issued_by = ${filter.issuedBy}`);
  if (filter.departmentIds?.length) {
    conditions.push(sql`f.department_id in (${sql.join(filter.departmentIds.map((id) => sql`${id}::uuid`), sql`, `)})`);
  }
  const column = dateColumn[filter.dateField];
  if (filter.from) conditions.push(sql`${column} >= ${instant(filter.from)}`);
  if (filter.to) conditions.push(sql`${column} < ${instant(filter.to)}`);
  if (metric) conditions.push(metricPredicate[metric]);
  return conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
}

const countColumns = sql.join(
  METRICS.map((m) => sql`count(*) filter (where ${metricPredicate[m]})::int as ${sql.identifier(m)}`),
  sql`, `,
);

export interface CountRow extends Counts {
  kind: string | null;
  departmentId: string | null;
  /** The department's name, read in the same statement (null for rolled-up rows or unknown ids). */
  departmentName: string | null;
}

/**
 * The departments a standing book lists whether or not they have tasks in the period: every
 * department, or those the filter names. A leader reads a missing row as "not assessed", not as
 * "nothing to do", so a department without tasks gets a row of zeros.
 */
function listedDepartments(filter: FactFilter): SQL {
  const named = filter.departmentIds?.length
    ? sql`where d.id in (${sql.join(filter.departmentIds.map((id) => sql`${id}::uuid`), sql`, `)})`
    : sql``;
  return sql`select d.id, d.name from departments d ${named}`;
}

/**
 * Counts per (kind, department), then the per-kind, per-department and organisation rows as sums of
 * those few groups (at most kinds × departments rows), which is far cheaper than asking Postgres
 * for GROUPING SETS over the facts. Rolled-up rows have kind/department null.
 *
 * Current figures come from the monthly roll-up (migrations 0012, 0016: launch, due and completion
 * months) when that reads fewer task rows; `source` forces one way (tests compare both).
 */
export async function countFacts(
  db: Executor,
  filter: FactFilter,
  options: { now?: Date; source?: 'auto' | 'scan' | 'rollup' } = {},
): Promise<CountRow[]> {
  const { readAt, plan } = chooseRollupPlan(filter, options);
  const groupCounts = plan ? countGroupsByRollup(filter, plan, readAt) : countGroupsByScan(filter, readAt);
  // A department with no group (no tasks in the period) comes out once, with g's columns null.
  const rows = await db.execute<Record<string, unknown>>(sql`
    select g.*, d.id as listed_id, d.name as department_name
    from (${groupCounts}) g full join (${listedDepartments(filter)}) d on d.id = g.department_id`);
  const groups = new Map<string, CountRow>();
  const add = (kind: string | null, departmentId: string | null, departmentName: string | null, counts: Counts) => {
    const key = `${kind ?? ''}|${departmentId ?? ''}`;
    let row = groups.get(key);
    if (!row) groups.set(key, (row = { kind, departmentId, departmentName, ...zeroCounts() }));
    addCounts(row, counts);
  };
  add(null, null, null, zeroCounts());
  for (const r of rows) {
    if (r.department_id === null) {
      add(null, r.listed_id as string, (r.department_name as string | null) ?? null, zeroCounts());
      continue;
    }
    const counts = countsOf(r);
    const kind = r.kind as string;
    const departmentId = r.department_id as string;
    const departmentName = (r.department_name as string | null) ?? null;
    add(kind, departmentId, departmentName, counts);
    add(kind, null, null, counts);
    add(null, departmentId, departmentName, counts);
    add(null, null, null, counts);
  }
  return [...groups.values()];
}

/** How a count reads the window (`source` forces one way; tests compare both): the roll-up's plan when it can answer, else undefined. */
function chooseRollupPlan(filter: FactFilter, options: { now?: Date; source?: 'auto' | 'scan' | 'rollup' }, monthly = true) {
  const source = options.source ?? 'auto';
  const readAt = options.now ?? new Date();
  const plan = monthly && source !== 'scan' ? monthlyRollupPlan(filter, readAt, { evenIfSlower: source === 'rollup' }) : undefined;
  if (source === 'rollup' && !plan) throw new Error('the monthly roll-up cannot answer this filter');
  return { readAt, plan };
}

function countGroupsByScan(filter: FactFilter, readAt: Date): SQL {
  return sql`
    select f.kind, f.department_id, ${countColumns}
    from (${factsSource(filter.asOf, readAt)}) f
    where ${factConditions(filter)}
    group by f.kind, f.department_id`;
}

/** A stretch of the window's date whose facts are added to (+1) or taken from (-1) whole months. */
interface Edge {
  from: Date;
  to: Date;
  sign: 1 | -1;
}

/** Whole months [monthsFrom, monthsTo) from the roll-up (unbounded where undefined), plus edges. */
export interface MonthlyRollupPlan {
  monthsFrom?: Date;
  monthsTo?: Date;
  edges: Edge[];
}

// Calendar months in China time, a fixed UTC+8 exactly as standing_book_month() in migration 0012.
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The instant the China-time month holding `at` begins, or the one `monthsLater` after it. */
export function chinaMonthStart(at: Date, monthsLater = 0): Date {
  const local = new Date(at.getTime() + CHINA_OFFSET_MS);
  const start = new Date(0);
  start.setUTCFullYear(local.getUTCFullYear(), local.getUTCMonth() + monthsLater, 1);
  return new Date(start.getTime() - CHINA_OFFSET_MS);
}

/**
 * How to count [from, to) from whole months of the filter's date field (the roll-up holds launch,
 * due and completion months, migrations 0012 and 0016): each end moves to its nearer month boundary,
 * and the stretch between the end and the boundary is counted from the task rows (added when the
 * boundary is inside the window, taken away when outside). Nothing is launched or completed after
 * `now`, so such a stretch beyond it costs nothing to count; due dates run into the future. Undefined
 * when the roll-up cannot answer (as-of, issuer) or, unless `evenIfSlower`, when counting the window
 * itself reads fewer rows.
 */
export function monthlyRollupPlan(filter: FactFilter, now: Date, options: { evenIfSlower?: boolean } = {}): MonthlyRollupPlan | undefined {
  if (filter.asOf || filter.issuedBy) return undefined;
  const end = filter.dateField === 'due' ? Infinity : now.getTime();
  // How much of the field's time a stretch covers: a stand-in for the task rows counting it would read.
  const span = (from: Date, to: Date) => Math.max(0, Math.min(to.getTime(), end) - from.getTime());
  const edges: Edge[] = [];
  const edge = (a: Date, b: Date) => {
    if (a < b) edges.push({ from: a, to: b, sign: 1 });
    else if (b < a) edges.push({ from: b, to: a, sign: -1 });
  };
  let monthsFrom: Date | undefined;
  let monthsTo: Date | undefined;
  if (filter.from) {
    const before = chinaMonthStart(filter.from);
    const after = chinaMonthStart(filter.from, 1);
    monthsFrom = before.getTime() === filter.from.getTime() || span(before, filter.from) <= span(filter.from, after) ? before : after;
    edge(filter.from, monthsFrom);
  }
  if (filter.to) {
    const before = chinaMonthStart(filter.to);
    const after = chinaMonthStart(filter.to, 1);
    monthsTo = before.getTime() === filter.to.getTime() || span(before, filter.to) <= span(filter.to, after) ? before : after;
    edge(monthsTo, filter.to);
  }
  if (monthsFrom && monthsTo && monthsFrom >= monthsTo) return undefined;
  if (!options.evenIfSlower && filter.from) {
    const edgeSpan = edges.reduce((sum, e) => sum + span(e.from, e.to), 0);
    // An open-ended due window (no `to`) has no end to compare with: the roll-up reads less.
    const windowSpan = filter.to || end !== Infinity ? span(filter.from, filter.to ?? now) : Infinity;
    if (edgeSpan >= windowSpan) return undefined;
  }
  return { monthsFrom, monthsTo, edges };
}

const rollupColumn: Record<Metric, string> = {
  total: 'total',
  completed: 'completed',
  onTime: 'on_time',
  overdue: 'overdue',
  postponed: 'postponed',
  inProgress: 'in_progress',
  yellow: 'yellow',
  red: 'red',
  redEver: 'red_ever',
};

/**
 * What the roll-up's sums are grouped by: the standing book's (kind, department) or the trend's
 * month. `months` reads the group from a roll-up row, `facts` from a fact row, `names` are its
 * columns in the sum; a month group leaves out the months and facts without a date of the field.
 */
interface RollupGrouping {
  months: SQL;
  facts: SQL;
  factsGroupBy: SQL;
  names: SQL;
  monthsCondition?: SQL;
  factsCondition?: SQL;
}

const byKindAndDepartment: RollupGrouping = {
  months: sql`f.kind, f.department_id`,
  facts: sql`f.kind, f.department_id`,
  factsGroupBy: sql`f.kind, f.department_id`,
  names: sql`x.kind, x.department_id`,
};

/** Calendar months in China time, as the roll-up's months: standing_book_month() (migration 0012) over the field's date. */
function byMonthOf(field: DateField): RollupGrouping {
  const column = dateColumn[field];
  return {
    months: sql`f.month_start as period`,
    facts: sql`standing_book_month(${column}) as period`,
    factsGroupBy: sql`1`,
    names: sql`x.period`,
    monthsCondition: sql`f.month_start is not null`,
    factsCondition: sql`${column} is not null`,
  };
}

/**
 * Whole months (compacted roll-up plus deltas not yet folded in) and the edges' own counts, summed
 * in one statement, so all parts see the same snapshot. Both count stored lights; the open tasks a
 * passed instant has overtaken before their timers landed (a few, found through the pending-instant
 * indexes) then move from their stored light's figures to their light's as of `readAt`.
 */
function countGroupsByRollup(filter: FactFilter, plan: MonthlyRollupPlan, readAt: Date, grouping: RollupGrouping = byKindAndDepartment): SQL {
  const at = instant(readAt);
  const conditions: SQL[] = [sql`f.basis = ${filter.dateField}`];
  if (filter.kind) conditions.push(sql`f.kind = ${filter.kind}`);
  if (filter.departmentIds?.length) {
    conditions.push(sql`f.department_id in (${sql.join(filter.departmentIds.map((id) => sql`${id}::uuid`), sql`, `)})`);
  }
  if (plan.monthsFrom) conditions.push(sql`f.month_start >= ${instant(plan.monthsFrom)}`);
  if (plan.monthsTo) conditions.push(sql`f.month_start < ${instant(plan.monthsTo)}`);
  if (grouping.monthsCondition) conditions.push(grouping.monthsCondition);
  const where = sql.join(conditions, sql` and `);
  const factsWhere = (f: FactFilter) => (grouping.factsCondition ? sql`${factConditions(f)} and ${grouping.factsCondition}` : factConditions(f));
  const columns = sql.join(
    METRICS.map((m) => sql`f.${sql.identifier(rollupColumn[m])}`),
    sql`, `,
  );
  const factCounts = (facts: SQL, sign: 1 | -1, f: FactFilter) => sql`
      union all
      select ${grouping.facts}, ${sql.join(
        METRICS.map((m) => sql`${sign}::int * count(*) filter (where ${metricPredicate[m]})::int`),
        sql`, `,
      )}
      from (${facts}) f
      where ${factsWhere(f)}
      group by ${grouping.factsGroupBy}`;
  const edgeCounts = plan.edges.map((e) => factCounts(currentFacts(at, { light: 'stored' }), e.sign, { ...filter, from: e.from, to: e.to }));
  const overtaken = (light: 'read' | 'stored', sign: 1 | -1) => factCounts(currentFacts(at, { light, overtakenOnly: true }), sign, filter);
  return sql`
    select ${grouping.names}, ${sql.join(
      METRICS.map((m) => sql`sum(x.${sql.identifier(rollupColumn[m])})::int as ${sql.identifier(m)}`),
      sql`, `,
    )}
    from (
      select ${grouping.months}, ${columns} from standing_book_months f where ${where}
      union all
      select ${grouping.months}, ${columns} from standing_book_month_deltas f where ${where}
      ${sql.join(edgeCounts, sql` `)}
      ${overtaken('read', 1)}
      ${overtaken('stored', -1)}
    ) x
    group by ${grouping.names}
    having sum(x.total) <> 0`;
}

/** Folds the roll-up's pending deltas into its months (the tasks trigger also does, every ~1,000). */
export async function compactStandingBook(db: Executor): Promise<number> {
  const [row] = await db.execute<{ folded: number }>(sql`select standing_book_compact() as folded`);
  return row?.folded ?? 0;
}

export interface FactListRow {
  taskId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  kind: string;
  departmentId: string;
  departmentName: string | null;
  status: string;
  light: string;
  outcome: string | null;
  dueAt: Date;
  launchedAt: Date;
  completedAt: Date | null;
  redEver: boolean;
  postponed: boolean;
}

/**
 * The drill-down behind one figure: the tasks it counts, latest due first, and their number. Kind and
 * launch time fall back to the joined item's where a task row lacks its copy (migration 0036 says how
 * one could), so one such row never fails the whole list.
 */
export async function listFacts(db: Executor, filter: FactFilter, metric: Metric, page: { limit: number; offset: number }) {
  const where = factConditions(filter, metric);
  const source = factsSource(filter.asOf);
  const [rows, [total]] = await Promise.all([
    db.execute<Record<string, unknown>>(sql`
      select f.task_id, f.item_id, i.code as item_code, i.title as item_title, coalesce(f.kind, i.kind) as kind, f.department_id,
             d.name as department_name, t.status, f.light, f.outcome, f.due_at, coalesce(f.launched_at, i.created_at) as launched_at,
             f.completed_at, f.red_ever, f.postponed
      from (${source}) f
      join items i on i.id = f.item_id
      join tasks t on t.id = f.task_id
      left join departments d on d.id = f.department_id
      where ${where}
      order by f.due_at desc, f.task_id
      limit ${page.limit} offset ${page.offset}`),
    db.execute<{ n: number }>(sql`select count(*)::int as n from (${source}) f where ${where}`),
  ]);
  const list: FactListRow[] = rows.map((r) => ({
    taskId: r.task_id as string,
    itemId: r.item_id as string,
    itemCode: r.item_code as string,
    itemTitle: r.item_title as string,
    kind: r.kind as string,
    departmentId: r.department_id as string,
    departmentName: (r.department_name as string | null) ?? null,
    status: r.status as string,
    light: r.light as string,
    outcome: (r.outcome as string | null) ?? null,
    dueAt: asDate(r.due_at)!,
    launchedAt: asDate(r.launched_at)!,
    completedAt: asDate(r.completed_at),
    redEver: r.red_ever as boolean,
    postponed: r.postponed as boolean,
  }));
  return { rows: list, total: total?.n ?? 0 };
}

/** A condition on `items` (alias-free, for the item list): the item has a fact matching the figure. */
export function itemHasFact(itemIdColumn: SQL, filter: FactFilter, metric: Metric): SQL {
  return sql`exists (select 1 from (${factsSource(filter.asOf)}) f where f.item_id = ${itemIdColumn} and ${factConditions(filter, metric)})`;
}

export interface RankingRow {
  departmentId: string;
  departmentName: string | null;
  total: number;
  completed: number;
  onTime: number;
  red: number;
  redEver: number;
}

/** Per department (every listed one, zeros where it had no tasks), for ranking by on-time rate and red lights. */
export async function rankDepartments(db: Executor, filter: FactFilter): Promise<RankingRow[]> {
  const rows = await db.execute<Record<string, unknown>>(sql`
    select coalesce(c.department_id, d.id) as department_id, d.name as department_name,
           coalesce(c.total, 0) as total, coalesce(c.completed, 0) as completed, coalesce(c.on_time, 0) as on_time,
           coalesce(c.red, 0) as red, coalesce(c.red_ever, 0) as red_ever
    from (
      select f.department_id, count(*)::int as total,
             count(*) filter (where ${metricPredicate.completed})::int as completed,
             count(*) filter (where ${metricPredicate.onTime})::int as on_time,
             count(*) filter (where ${metricPredicate.red})::int as red,
             count(*) filter (where ${metricPredicate.redEver})::int as red_ever
      from (${factsSource(filter.asOf)}) f
      where ${factConditions(filter)}
      group by f.department_id
    ) c full join (${listedDepartments(filter)}) d on d.id = c.department_id`);
  return rows.map((r) => ({
    departmentId: r.department_id as string,
    departmentName: (r.department_name as string | null) ?? null,
    total: r.total as number,
    completed: r.completed as number,
    onTime: r.on_time as number,
    red: r.red as number,
    redEver: r.red_ever as number,
  }));
}

export type Granularity = 'week' | 'month';

export interface TrendRow extends Counts {
  period: Date;
}

/**
 * Counts per calendar week/month (China time) of the chosen date field. Months come from the monthly
 * roll-up when that reads fewer task rows, as the standing book's do (a year's trend sums ~12 months ×
 * kinds × departments instead of counting every task); `source` forces one way (tests compare both).
 */
export async function trendOf(
  db: Executor,
  filter: FactFilter,
  granularity: Granularity,
  options: { now?: Date; source?: 'auto' | 'scan' | 'rollup' } = {},
): Promise<TrendRow[]> {
  const { readAt, plan } = chooseRollupPlan(filter, options, granularity === 'month');
  const column = dateColumn[filter.dateField];
  const unit = granularity === 'week' ? sql.raw(`'week'`) : sql.raw(`'month'`);
  const rows = await db.execute<Record<string, unknown>>(
    plan
      ? sql`select g.* from (${countGroupsByRollup(filter, plan, readAt, byMonthOf(filter.dateField))}) g order by g.period`
      : sql`
    select (date_trunc(${unit}, ${column} at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai') as period, ${countColumns}
    from (${factsSource(filter.asOf, readAt)}) f
    where ${factConditions(filter)} and ${column} is not null
    group by 1 order by 1`,
  );
  return rows.map((r) => {
    return { period: asDate(r.period)!, ...countsOf(r) };
  });
}

// The counts as plain literals, not built from METRICS: a dashboard shapes ~1,500 rows, and objects
// built key by key (Object.fromEntries) are several times slower to create and read.
export function zeroCounts(): Counts {
  return { total: 0, completed: 0, onTime: 0, overdue: 0, postponed: 0, inProgress: 0, yellow: 0, red: 0, redEver: 0 };
}

/** The counts of a result row whose columns are named after the metrics. */
function countsOf(r: Record<string, unknown>): Counts {
  return {
    total: r.total as number,
    completed: r.completed as number,
    onTime: r.onTime as number,
    overdue: r.overdue as number,
    postponed: r.postponed as number,
    inProgress: r.inProgress as number,
    yellow: r.yellow as number,
    red: r.red as number,
    redEver: r.redEver as number,
  };
}

function addCounts(into: Counts, counts: Counts): void {
  into.total += counts.total;
  into.completed += counts.completed;
  into.onTime += counts.onTime;
  into.overdue += counts.overdue;
  into.postponed += counts.postponed;
  into.inProgress += counts.inProgress;
  into.yellow += counts.yellow;
  into.red += counts.red;
  into.redEver += counts.redEver;
}

/** A Date as a bound timestamptz parameter (raw `sql` templates do not serialise Date). */
function instant(value: Date): SQL {
  return sql`${value.toISOString()}::timestamptz`;
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string);
}
