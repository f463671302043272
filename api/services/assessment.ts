/**
 * Assessment (考核): a score per department for a period, from 100 down. Each shortfall costs the
 * points an admin set (assessment_weights): the on-time rate's share (every completed task that was
 * not on time costs weight/completed, so the rate's deduction is itemised too), each task ever red,
 * each urge received, each return and each postponement. Every deduction names its item, so a
 * score explains itself.
 */
import { assessmentFacts, getWeights, setWeights, type Weights } from '../../db/queries/assessment';
import type { SessionUser } from '../authz';
import type { ApiDeps } from '../deps';
import type { DashboardQuery } from '../schemas/dashboard';
import { factFilterOf } from './dashboard';

type QueryDeps = Pick<ApiDeps, 'database'>;

export const FACTOR_LABELS = {
  onTimeRate: '未按时办结',
  redEver: '亮过红灯',
  urge: '被催办',
  returned: '办结报告被退回',
  postponed: '延期',
} as const;
type Factor = keyof typeof FACTOR_LABELS;

const round = (n: number) => Math.round(n * 100) / 100;

export interface Deduction {
  itemId: string;
  itemCode: string;
  itemTitle: string;
  taskId: string;
  factor: Factor;
  label: string;
  count: number;
  points: number;
}

export async function getAssessment(deps: QueryDeps, query: DashboardQuery) {
  const db = deps.database.db;
  const filter = factFilterOf(query);
  const [weights, { tallies, costly }] = await Promise.all([getWeights(db), assessmentFacts(db, filter)]);
  const byDept = new Map<string, typeof costly>();
  for (const c of costly) byDept.set(c.departmentId, [...(byDept.get(c.departmentId) ?? []), c]);

  const departments = tallies.map((t) => {
    const deductions: Deduction[] = [];
    const add = (c: (typeof costly)[number], factor: Factor, count: number, points: number) => {
      if (count > 0 && points !== 0) deductions.push({ itemId: c.itemId, itemCode: c.itemCode, itemTitle: c.itemTitle, taskId: c.taskId, factor, label: FACTOR_LABELS[factor], count, points: round(points) });
    };
    for (const c of byDept.get(t.departmentId) ?? []) {
      if (c.completed && c.outcome !== 'on_time') add(c, 'onTimeRate', 1, weights.onTimeRate / t.completed);
      if (c.redEver) add(c, 'redEver', 1, weights.redEver);
      add(c, 'urge', c.urges, c.urges * weights.urge);
      add(c, 'returned', c.returns, c.returns * weights.returned);
      if (c.postponed) add(c, 'postponed', 1, weights.postponed);
    }
    const subtotal = (f: Factor) => round(deductions.filter((d) => d.factor === f).reduce((s, d) => s + d.points, 0));
    const byFactor = Object.fromEntries((Object.keys(FACTOR_LABELS) as Factor[]).map((f) => [f, { label: FACTOR_LABELS[f], points: subtotal(f), count: deductions.filter((d) => d.factor === f).reduce((s, d) => s + d.count, 0) }]));
    const lost = round(deductions.reduce((s, d) => s + d.points, 0));
    return {
      departmentId: t.departmentId,
      departmentName: t.departmentName,
      total: t.total,
      completed: t.completed,
      onTime: t.onTime,
      onTimeRate: t.completed > 0 ? t.onTime / t.completed : null,
      score: round(Math.max(0, 100 - lost)),
      pointsLost: lost,
      byFactor,
      deductions,
    };
  });
  departments.sort((a, b) => b.score - a.score || (a.departmentName ?? '').localeCompare(b.departmentName ?? '', 'zh-CN'));
  return {
    period: { dateField: filter.dateField, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, asOf: filter.asOf?.toISOString() ?? null },
    weights: { onTimeRate: weights.onTimeRate, redEver: weights.redEver, urge: weights.urge, returned: weights.returned, postponed: weights.postponed },
    departments: departments.map((d, i) => ({ rank: i + 1, ...d })),
  };
}

export async function readWeights(deps: QueryDeps) {
  const w = await getWeights(deps.database.db);
  return { ...w, updatedAt: w.updatedAt?.toISOString() ?? null, labels: FACTOR_LABELS };
}

export async function updateWeights(deps: QueryDeps, user: SessionUser, weights: Weights) {
  await setWeights(deps.database.db, weights, user.id);
  return readWeights(deps);
}
