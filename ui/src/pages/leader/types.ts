/** Shapes of the standing book's routes (api/schemas/dashboard.ts, api/services/assessment.ts). */
import type { ItemKind } from '../../api/types';
import type { TaskRisk } from '../../components/RiskBadge';

export const METRICS = ['total', 'inProgress', 'yellow', 'red', 'completed', 'onTime', 'overdue', 'postponed', 'redEver'] as const;
export type Metric = (typeof METRICS)[number];

export type Figures = Record<Metric, number> & {
  onTimeRate: number | null;
  /** Accountability actions (问责) decided in the period, not withdrawn. */
  accountability?: number;
};
export interface DrillDown {
  tasks: string;
  items: string;
}
/** A department's hotline figures, where the period has appeals (dispatched to it or returned by it). */
export interface AppealFigures {
  appeals?: number;
  satisfied?: number;
  satisfactionRate?: number | null;
  contacted24hRate?: number | null;
  returned?: number;
  firstDispatchRate?: number | null;
  avgHandlingHours?: number | null;
  reopenRate?: number | null;
}
export interface DepartmentFigures extends Figures, AppealFigures {
  departmentId: string;
  departmentName: string | null;
  drillDown: DrillDown;
}
export interface Section {
  departments: DepartmentFigures[];
  totals: Figures & { drillDown: DrillDown };
}
export interface Dashboard extends Section {
  asOf: string | null;
  generatedAt: string;
  kinds: (Section & { kind: ItemKind })[];
}

export interface RankRow extends Figures {
  rank: number;
  departmentId: string;
  departmentName: string | null;
}
export interface Ranking {
  onTimeRate: RankRow[];
  redLights: RankRow[];
}

export interface Trend {
  granularity: 'week' | 'month';
  periods: (Figures & { start: string; label: string })[];
}

export const FACTORS = ['onTimeRate', 'redEver', 'urge', 'returned', 'postponed', 'appealUnsatisfied', 'appealLateContact', 'appealReopened'] as const;
export type Factor = (typeof FACTORS)[number];
export interface FactorFigures {
  weight: number;
  count: number;
  tasks: number;
  points: number;
  deductions: string;
}
export interface AssessmentRow {
  rank: number;
  departmentId: string;
  departmentName: string | null;
  total: number;
  completed: number;
  onTime: number;
  onTimeRate: number | null;
  score: number;
  pointsLost: number;
  byFactor: Record<Factor, FactorFigures>;
  deductions: { total: number; list: string };
  /** The period's accountability actions against the department: they explain, they cost no points. */
  accountability?: {
    count: number;
    actions: { id: string; kind: string; personName: string; decidedAt: string; itemId: string; itemCode: string; taskId: string }[];
  };
}
export interface Assessment {
  weights: Record<Factor, number>;
  departments: AssessmentRow[];
}
export interface Deduction {
  departmentId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  taskId: string;
  factor: Factor;
  count: number;
  points: number;
}

export interface FactRow {
  taskId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  kind: ItemKind;
  departmentId: string;
  departmentName: string | null;
  status: string;
  light: 'green' | 'yellow' | 'red';
  outcome: 'on_time' | 'overdue' | 'postponed' | null;
  dueAt: string;
  launchedAt: string;
  completedAt: string | null;
  /** Forecast chance of ending red (open tasks, while a risk model serves). */
  risk: TaskRisk | null;
}

export interface ExportStatus {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  error?: string;
  itemCount: number | null;
  matchedCount: number | null;
  capped: boolean;
  notice?: string;
}

/** The SPA page listing the tasks behind one figure: the API's drill-down query plus the metric. */
export function drillDownPath(apiTasksUrl: string, metric: Metric): string {
  const query = apiTasksUrl.slice(apiTasksUrl.indexOf('?') + 1);
  return `/leader/tasks?${query}${query ? '&' : ''}metric=${metric}`;
}
