/**
 * Assessment (考核): a score per department for a period, from 100 down. Each shortfall costs the
 * points an admin set (assessment_weights): the on-time rate's share (every completed task that was
 * not on time costs weight/completed, so the rate's deduction is itemised too), each task ever red,
 * each urge received, each return and each postponement.
 *
 * A score explains itself in two steps: per department, each factor's occurrences and points (they
 * add up to the points lost), and behind each factor a paged list of its deductions, each naming
 * the item and task it comes from (GET /api/assessment/deductions, linked from every factor).
 * Counting happens in Postgres, so the answer's size is departments × factors, not tasks.
 */
import { assessmentTallies, FACTORS, getWeights, listDeductions, setWeights, weightsOf, type Factor, type Weights } from '../../../db/queries/assessment';
import { listPeriodAccountability } from '../../../db/queries/accountability';
import { ACCOUNTABILITY_KIND_WORDS } from '../../../domain/accountability';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import type { DeductionsQuery } from '../../schemas/assessment';
import type { DashboardQuery } from '../../schemas/dashboard';
import { pageWindow } from '../../schemas/pagination';
import { factFilterOf, filterQueryString } from './standing-book';

type QueryDeps = Pick<ApiDeps, 'database'>;
type AppealFactor = 'appealUnsatisfied' | 'appealLateContact' | 'appealReopened';

export const FACTOR_LABELS: Record<Factor, string> = {
  onTimeRate: '未按时办结',
  redEver: '亮过红灯',
  urge: '被催办',
  returned: '办结报告被退回',
  postponed: '延期',
  appealUnsatisfied: '诉求回访不满意',
  appealLateContact: '未按时联系诉求人',
  appealReopened: '诉求重办',
};

/** How many of the period's accountability actions the assessment lists (newest decisions first). */
const ACCOUNTABILITY_LISTED = 1_000;

/**
 * The explanation's accountability part, per department: the period's actions (问责) against it,
 * not withdrawn, each naming its item. They explain a score beside its deductions; no weight turns
 * them into points.
 */
function accountabilityExplanation(actions: Awaited<ReturnType<typeof listPeriodAccountability>>) {
  const byDepartment = new Map<string, typeof actions>();
  for (const a of actions) byDepartment.set(a.departmentId, [...(byDepartment.get(a.departmentId) ?? []), a]);
  return (departmentId: string) => {
    const mine = byDepartment.get(departmentId) ?? [];
    return {
      count: mine.length,
      note: mine.length ? `问责 ${mine.length} 起（${mine.map((a) => ACCOUNTABILITY_KIND_WORDS[a.kind].zh).join('、')}）` : null,
      noteEn: mine.length ? `${mine.length} accountability action(s): ${mine.map((a) => ACCOUNTABILITY_KIND_WORDS[a.kind].en).join(', ')}` : null,
      actions: mine.map((a) => ({
        id: a.id,
        kind: a.kind,
        label: ACCOUNTABILITY_KIND_WORDS[a.kind].zh,
        personName: a.personName,
        decidedAt: a.decidedAt.toISOString(),
        itemId: a.itemId,
        itemCode: a.itemCode,
        taskId: a.taskId,
      })),
    };
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
// A deduction of the on-time factor is weight/completed: four places keep a page's sum within a
// hundredth of the factor's points even for hundreds of late tasks.
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** The points of one deduction: `count` occurrences of `factor` in a department with `completed` completed tasks. */
function pointsOf(weights: Weights, factor: Factor, count: number, completed: number): number {
  if (factor === 'onTimeRate') return completed > 0 ? (weights.onTimeRate * count) / completed : 0;
  return weights[factor] * count;
}

export interface FactorFigures {
  label: string;
  /** Points per occurrence (for the on-time factor: points for a rate of 0). */
  weight: number;
  /** Occurrences: late tasks, tasks ever red, urges, returns, postponed tasks. */
  count: number;
  /** Tasks with at least one occurrence: the number of deductions behind the factor. */
  tasks: number;
  points: number;
  /** GET this (it pages) for the deductions: which items cost how many points. */
  deductions: string;
}

export async function getAssessment(deps: QueryDeps, query: DashboardQuery) {
  const db = deps.database.db;
  const filter = factFilterOf(query);
  const [weights, tallies, actions] = await Promise.all([
    getWeights(db),
    assessmentTallies(db, filter),
    listPeriodAccountability(db, filter, ACCOUNTABILITY_LISTED),
  ]);
  const accountabilityOf = accountabilityExplanation(actions);

  const departments = tallies.map((t) => {
    const link = `/api/assessment/deductions?${filterQueryString(filter, { departmentId: t.departmentId })}`;
    const byFactor = Object.fromEntries(
      FACTORS.map((f): [Factor, FactorFigures] => {
        const { count, tasks } = t.factors[f];
        const points = round2(pointsOf(weights, f, count, t.completed));
        // A factor weighted 0 costs nothing, so it has no deductions to list.
        return [
          f,
          {
            label: FACTOR_LABELS[f],
            weight: weights[f],
            count,
            tasks: weights[f] > 0 ? tasks : 0,
            points,
            deductions: `${link}&factor=${f}`,
          },
        ];
      }),
    ) as Record<Factor, FactorFigures>;
    const lost = round2(FACTORS.reduce((sum, f) => sum + byFactor[f].points, 0));
    return {
      departmentId: t.departmentId,
      departmentName: t.departmentName,
      total: t.total,
      completed: t.completed,
      onTime: t.onTime,
      onTimeRate: t.completed > 0 ? t.onTime / t.completed : null,
      score: round2(Math.max(0, 100 - lost)),
      pointsLost: lost,
      byFactor,
      /** Every deduction of the department, paged: `{items, total, page, pageSize}`. */
      deductions: { total: FACTORS.reduce((sum, f) => sum + byFactor[f].tasks, 0), list: link },
      accountability: accountabilityOf(t.departmentId),
    };
  });
  departments.sort((a, b) => b.score - a.score || (a.departmentName ?? '').localeCompare(b.departmentName ?? '', 'zh-CN'));
  return {
    period: {
      dateField: filter.dateField,
      from: filter.from?.toISOString() ?? null,
      to: filter.to?.toISOString() ?? null,
      asOf: filter.asOf?.toISOString() ?? null,
    },
    weights: weightsOf(weights),
    departments: departments.map((d, i) => ({ rank: i + 1, ...d })),
  };
}

/** One page of the deductions behind the scores (same filters; optionally one factor), each naming its item. */
export async function listAssessmentDeductions(deps: QueryDeps, query: DeductionsQuery) {
  const db = deps.database.db;
  const filter = factFilterOf(query);
  const weights = await getWeights(db);
  const factors = (query.factor ? [query.factor] : FACTORS).filter((f) => weights[f] > 0);
  const { rows, total } = await listDeductions(db, filter, factors, pageWindow(query));
  return {
    items: rows.map((r) => ({
      departmentId: r.departmentId,
      itemId: r.itemId,
      itemCode: r.itemCode,
      itemTitle: r.itemTitle,
      taskId: r.taskId,
      factor: r.factor,
      label: FACTOR_LABELS[r.factor],
      count: r.count,
      points: round4(pointsOf(weights, r.factor, r.count, r.departmentCompleted)),
    })),
    total,
    page: query.page,
    pageSize: query.pageSize,
    factor: query.factor ?? null,
  };
}

export async function readWeights(deps: QueryDeps) {
  const w = await getWeights(deps.database.db);
  return { ...w, updatedAt: w.updatedAt?.toISOString() ?? null, labels: FACTOR_LABELS };
}

/** The appeal factors may be left out (a client written before them): they keep their current points. */
export async function updateWeights(deps: QueryDeps, user: SessionUser, weights: Partial<Weights> & Omit<Weights, AppealFactor>) {
  await setWeights(deps.database.db, weightsOf(weights, await getWeights(deps.database.db)), user.id);
  return readWeights(deps);
}
