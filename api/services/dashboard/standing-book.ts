/**
 * The leaders' standing book (督查台账): per department, per kind and for the whole organisation,
 * counted by Postgres (db/queries/dashboard.ts). Every row carries its drill-down: the task list
 * (and item list) with exactly the filters its figures imply; a figure's list is that URL with
 * `&metric=<figure>`.
 */
import {
  countFacts,
  DATE_FIELDS,
  listFacts,
  METRICS,
  rankDepartments,
  trendOf,
  type Counts,
  type DateField,
  type FactFilter,
  type Granularity,
  type Metric,
  zeroCounts,
} from '../../../db/queries/dashboard';
import { countAccountability } from '../../../db/queries/accountability';
import { appealFiguresByDepartment, type AppealFigures } from '../../../db/queries/appeals';
import { ITEM_KINDS, type ItemKind } from '../../../domain/types';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';
import { pageWindow } from '../../schemas/pagination';
import type { DashboardQuery, FactListQuery, TrendQuery } from '../../schemas/dashboard';
import { instantField } from '../shared/instant-field';
import { riskForRows } from '../ai/risk';

type QueryDeps = Pick<ApiDeps, 'database'>;

export const KIND_LABELS: Record<ItemKind, string> = {
  routine: '常规督查',
  meeting_resolution: '会议议定事项',
  approval_document: '上级批件',
  leadership_instruction: '领导批示',
  verification: '预警核查',
  appeal: '群众诉求',
};

export const METRIC_LABELS: Record<Metric | 'onTimeRate', string> = {
  total: '总数',
  completed: '已办结',
  onTime: '按时办结',
  overdue: '超时办结',
  postponed: '延期办结',
  inProgress: '在办',
  yellow: '黄灯（当前）',
  red: '红灯（当前）',
  redEver: '曾亮红灯',
  onTimeRate: '按时办结率',
};

export const DATE_FIELD_LABELS: Record<DateField, string> = { launched: '立项日期', due: '办理期限', completed: '办结日期' };

export interface Figures extends Counts {
  /** onTime / completed; null while nothing is completed. */
  onTimeRate: number | null;
}

export interface DrillDown {
  /** GET this with `&metric=<figure>` for the tasks behind a figure. */
  tasks: string;
  /** The items having such a task (same filters). */
  items: string;
}

/** Figures of a standing book's row: the task counts and the period's accountability actions. */
export interface RowFigures extends Figures {
  /** Accountability actions (问责) decided in the period against the department, not withdrawn. */
  accountability: number;
}

/** A department's hotline figures, where the period has appeals (dispatched to it or returned by it). */
export interface AppealRowFigures {
  appeals: number;
  satisfied: number;
  /** satisfied (incl. basically) / visited; null before any visit. */
  satisfactionRate: number | null;
  /** first contact within the window / contacted; null before any reply. */
  contacted24hRate: number | null;
  returned: number;
  /** Appeals never returned since their first dispatch / appeals (首派准确率); null without appeals. */
  firstDispatchRate: number | null;
  /** Mean hours from dispatch to the reply to the citizen; null before any reply. */
  avgHandlingHours: number | null;
  /** Reopened after an unsatisfied visit / visited (重办率); null before any visit. */
  reopenRate: number | null;
}

export interface DepartmentFigures extends RowFigures, Partial<AppealRowFigures> {
  departmentId: string;
  departmentName: string | null;
  drillDown: DrillDown;
}

export interface Section {
  departments: DepartmentFigures[];
  totals: RowFigures & { drillDown: DrillDown };
}

export interface Dashboard extends Section {
  dateField: DateField;
  dateFieldLabel: string;
  from: string | null;
  to: string | null;
  kind: ItemKind | null;
  departmentIds: string[] | null;
  asOf: string | null;
  generatedAt: string;
  /** The four special displays, one per kind (only the requested kind when `kind` is set). */
  kinds: (Section & { kind: ItemKind; label: string })[];
  metrics: { key: Metric | 'onTimeRate'; label: string }[];
}

function instant(value: string | undefined, field: string): Date | undefined {
  return value === undefined ? undefined : new Date(instantField(value, `querystring.${field}`));
}

export function parseDepartmentIds(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const bad = ids.find((id) => !uuid.test(id));
  if (bad !== undefined || ids.length === 0 || ids.length > 500) {
    throw fieldError(
      'validation_failed',
      'querystring.departmentId',
      'expected comma-separated UUIDs',
      '须为以逗号分隔的单位 id',
      'querystring.departmentId: one or more department ids separated by commas',
    );
  }
  return ids.map((id) => id.toLowerCase());
}

/** The filter a dashboard or list query asks for, checked (real dates, from < to). */
export function factFilterOf(query: DashboardQuery): FactFilter {
  const filter: FactFilter = {
    dateField: query.dateField ?? 'launched',
    kind: query.kind,
    departmentIds: parseDepartmentIds(query.departmentId),
    issuedBy: query.issuedBy,
    from: instant(query.from, 'from'),
    to: instant(query.to, 'to'),
    asOf: instant(query.asOf, 'asOf'),
  };
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw fieldError(
      'validation_failed',
      'querystring.to',
      'must be after from',
      '结束时间须晚于开始时间',
      'querystring.to must be after querystring.from',
    );
  }
  return filter;
}

/** The query string that reproduces a filter (plus any extra narrowing), for drill-down links. */
export function filterQueryString(
  filter: FactFilter,
  extra: { kind?: string; departmentId?: string } = {},
  departmentParam = 'departmentId',
): string {
  const params = new URLSearchParams();
  params.set('dateField', filter.dateField);
  if (filter.from) params.set('from', filter.from.toISOString());
  if (filter.to) params.set('to', filter.to.toISOString());
  const kind = extra.kind ?? filter.kind;
  if (kind) params.set('kind', kind);
  const departmentId = extra.departmentId ?? filter.departmentIds?.join(',');
  if (departmentId) params.set(departmentParam, departmentId);
  if (filter.issuedBy) params.set('issuedBy', filter.issuedBy);
  if (filter.asOf) params.set('asOf', filter.asOf.toISOString());
  return params.toString();
}

/**
 * The drill-down links of one dashboard's rows: `filterQueryString` for the task list and the item
 * list (whose own departmentId takes one id, so the drill-down's departmentIds takes several), with
 * the encoded parameters built once per filter, kind and department rather than once per cell (a
 * year shows 1,500 rows). Joining separately encoded parameters with `&` is what URLSearchParams does.
 */
export function drillDownLinks(filter: FactFilter): (extra: { kind?: string; departmentId?: string }) => DrillDown {
  const encode = (name: string, value: string | undefined) => (value ? new URLSearchParams([[name, value]]).toString() : '');
  const head = [encode('dateField', filter.dateField), encode('from', filter.from?.toISOString()), encode('to', filter.to?.toISOString())]
    .filter(Boolean)
    .join('&');
  const tail = [encode('issuedBy', filter.issuedBy), encode('asOf', filter.asOf?.toISOString())].filter(Boolean).join('&');
  const encoded = new Map<string, string>();
  const andParam = (name: string, value: string | undefined) => {
    const key = `${name}=${value ?? ''}`;
    let part = encoded.get(key);
    if (part === undefined) encoded.set(key, (part = value ? `&${encode(name, value)}` : ''));
    return part;
  };
  const link = (kind: string | undefined, departmentParam: string, departmentId: string | undefined) =>
    head + andParam('kind', kind) + andParam(departmentParam, departmentId) + (tail ? `&${tail}` : '');
  return (extra) => {
    const kind = extra.kind ?? filter.kind;
    const departmentId = extra.departmentId ?? filter.departmentIds?.join(',');
    return {
      tasks: `/api/tasks?${link(kind, 'departmentId', departmentId)}`,
      items: `/api/items?${link(kind, 'departmentIds', departmentId)}`,
    };
  };
}

// A literal, not built from METRICS: the year's dashboard shapes ~1,500 of these (see zeroCounts).
export function figuresOf(c: Counts): Figures {
  return {
    total: c.total,
    completed: c.completed,
    onTime: c.onTime,
    overdue: c.overdue,
    postponed: c.postponed,
    inProgress: c.inProgress,
    yellow: c.yellow,
    red: c.red,
    redEver: c.redEver,
    onTimeRate: c.completed > 0 ? c.onTime / c.completed : null,
  };
}

/** Action counts by `kind|department`, with the sums by kind (`kind|`), by department (`|department`) and overall (`|`). */
function accountabilityByKey(counts: readonly { kind: string; departmentId: string; count: number }[]): Map<string, number> {
  const sums = new Map<string, number>();
  const add = (key: string, n: number) => sums.set(key, (sums.get(key) ?? 0) + n);
  for (const c of counts) {
    add(`${c.kind}|${c.departmentId}`, c.count);
    add(`${c.kind}|`, c.count);
    add(`|${c.departmentId}`, c.count);
    add('|', c.count);
  }
  return sums;
}

// One collator for every sort: localeCompare(…, 'zh-CN') would build a new one per comparison.
const byChineseName = new Intl.Collator('zh-CN');

const zero: Counts = zeroCounts();

function appealRowFigures(f: AppealFigures): AppealRowFigures {
  return {
    appeals: f.appeals,
    satisfied: f.satisfied,
    satisfactionRate: f.visited > 0 ? f.satisfied / f.visited : null,
    contacted24hRate: f.contacted > 0 ? f.contactedInWindow / f.contacted : null,
    returned: f.returned,
    firstDispatchRate: f.appeals > 0 ? f.firstDispatchKept / f.appeals : null,
    avgHandlingHours: f.replied > 0 ? Math.round((f.handlingHours / f.replied) * 10) / 10 : null,
    reopenRate: f.visited > 0 ? f.reopened / f.visited : null,
  };
}

/** Hotline figures by department for the period (dispatch or return date), as of `asOf` when given; none for another kind. */
async function appealFiguresFor(deps: QueryDeps, filter: FactFilter): Promise<Map<string, AppealRowFigures>> {
  if (filter.kind && filter.kind !== 'appeal') return new Map();
  const rows = await appealFiguresByDepartment(deps.database.db, filter);
  return new Map(rows.map((r) => [r.departmentId, appealRowFigures(r)]));
}

export async function getDashboard(deps: QueryDeps, query: DashboardQuery, now = new Date()): Promise<Dashboard> {
  const db = deps.database.db;
  const filter = factFilterOf(query);
  const [rows, actionCounts, appealFigures] = await Promise.all([countFacts(db, filter, { now }), countAccountability(db, filter), appealFiguresFor(deps, filter)]);
  const drillDown = drillDownLinks(filter);
  const actions = accountabilityByKey(actionCounts);

  // Every section lists every listed department (zeros where it had no tasks of that kind), in the
  // same order: sort them by name once, not per section.
  const departmentRows = rows.filter((r) => r.kind === null && r.departmentId !== null);
  departmentRows.sort(
    (a, b) => byChineseName.compare(a.departmentName ?? '', b.departmentName ?? '') || a.departmentId!.localeCompare(b.departmentId!),
  );
  const byKey = new Map(rows.map((r) => [`${r.kind ?? ''}|${r.departmentId ?? ''}`, r]));

  const section = (kind: ItemKind | undefined): Section => {
    const departments = departmentRows.map((d) => ({
      departmentId: d.departmentId!,
      departmentName: d.departmentName,
      ...figuresOf((kind ? byKey.get(`${kind}|${d.departmentId}`) : d) ?? zero),
      accountability: actions.get(`${kind ?? ''}|${d.departmentId}`) ?? 0,
      drillDown: drillDown({ kind, departmentId: d.departmentId! }),
    }));
    const totals = { ...figuresOf(byKey.get(`${kind ?? ''}|`) ?? zero), accountability: actions.get(`${kind ?? ''}|`) ?? 0, drillDown: drillDown({ kind }) };
    return { departments, totals };
  };

  const overall = section(undefined);
  for (const d of overall.departments) Object.assign(d, appealFigures.get(d.departmentId));
  const kinds = (filter.kind ? [filter.kind as ItemKind] : [...ITEM_KINDS]).map((kind) => ({
    kind,
    label: KIND_LABELS[kind],
    ...section(kind),
  }));
  return {
    dateField: filter.dateField,
    dateFieldLabel: DATE_FIELD_LABELS[filter.dateField],
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    kind: (filter.kind as ItemKind | undefined) ?? null,
    departmentIds: filter.departmentIds ? [...filter.departmentIds] : null,
    asOf: filter.asOf?.toISOString() ?? null,
    generatedAt: now.toISOString(),
    ...overall,
    kinds,
    metrics: [...METRICS, 'onTimeRate' as const].map((key) => ({ key, label: METRIC_LABELS[key] })),
  };
}

/** The drill-down list behind one figure. */
/** Rows read to sort a drill-down by risk (scored at read time, then paged in memory). */
const RISK_SORT_LIMIT = 3000;

export async function listDashboardTasks(deps: QueryDeps, query: FactListQuery, now = new Date()) {
  const filter = factFilterOf(query);
  const metric = query.metric ?? 'total';
  const byRisk = query.sort === 'risk';
  const window = pageWindow(query);
  const { rows, total } = await listFacts(deps.database.db, filter, metric, byRisk ? { limit: RISK_SORT_LIMIT, offset: 0 } : window);
  const { risks, notice } = await riskForRows(
    deps,
    rows.map((r) => r.taskId),
    now,
  );
  const scored = rows.map((r) => ({ ...r, risk: risks.get(r.taskId) ?? null }));
  if (byRisk) scored.sort((a, b) => (b.risk?.probability ?? -1) - (a.risk?.probability ?? -1));
  const page = byRisk ? scored.slice(window.offset, window.offset + window.limit) : scored;
  return {
    items: page.map((r) => ({
      ...r,
      dueAt: r.dueAt.toISOString(),
      launchedAt: r.launchedAt.toISOString(),
      completedAt: r.completedAt?.toISOString() ?? null,
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
    metric,
    dateField: filter.dateField,
    sort: query.sort ?? 'due',
    riskNotice: notice,
  };
}

/** Departments ranked by on-time rate (best first) and by red lights (most first), chart-ready. */
export async function getRanking(deps: QueryDeps, query: DashboardQuery) {
  const filter = factFilterOf(query);
  const rows = await rankDepartments(deps.database.db, filter);
  const withRate = rows.map((r) => ({ ...r, onTimeRate: r.completed > 0 ? r.onTime / r.completed : null }));
  const byOnTime = [...withRate].sort(
    (a, b) =>
      (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
      b.completed - a.completed ||
      (a.departmentName ?? '').localeCompare(b.departmentName ?? ''),
  );
  const byRed = [...withRate].sort(
    (a, b) => b.redEver - a.redEver || b.red - a.red || (a.departmentName ?? '').localeCompare(b.departmentName ?? ''),
  );
  const ranked = <T>(list: T[]) => list.map((r, i) => ({ rank: i + 1, ...r }));
  return {
    dateField: filter.dateField,
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    asOf: filter.asOf?.toISOString() ?? null,
    onTimeRate: ranked(byOnTime),
    redLights: ranked(byRed),
    chart: {
      onTimeRate: { labels: byOnTime.map((r) => r.departmentName ?? r.departmentId), values: byOnTime.map((r) => r.onTimeRate) },
      redLights: { labels: byRed.map((r) => r.departmentName ?? r.departmentId), values: byRed.map((r) => r.redEver) },
    },
  };
}

/** Counts per week or month of the chosen date field, as chart series (one per figure). */
export async function getTrend(deps: QueryDeps, query: TrendQuery) {
  const filter = factFilterOf(query);
  const granularity: Granularity = query.granularity ?? 'month';
  const rows = await trendOf(deps.database.db, filter, granularity);
  const labels = rows.map((r) => periodLabel(r.period, granularity));
  const series = [...METRICS, 'onTimeRate' as const].map((key) => ({
    key,
    label: METRIC_LABELS[key],
    values: rows.map((r) => (key === 'onTimeRate' ? (r.completed > 0 ? r.onTime / r.completed : null) : r[key])),
  }));
  return {
    granularity,
    dateField: filter.dateField,
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    periods: rows.map((r, i) => ({ start: r.period.toISOString(), label: labels[i]!, ...figuresOf(r) })),
    chart: { labels, series },
  };
}

/** `2026-03` for a month, or the week's Monday `2026-03-09` for a week, in China time. */
function periodLabel(start: Date, granularity: Granularity): string {
  const local = new Date(start.getTime() + 8 * 3_600_000).toISOString();
  return granularity === 'month' ? local.slice(0, 7) : local.slice(0, 10);
}

export { DATE_FIELDS };
