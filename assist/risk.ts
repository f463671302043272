/**
 * Risk that an open task ends red: three features of the task as of a moment, a logistic regression
 * over them, and the reasons in plain words. Pure: the caller reads the rows and the clock.
 *
 * Leakage: a closed task is learnt from as it stood at SNAPSHOT_FRACTIONS of its window (only the
 * progress reports and urges before that moment, the department's record from tasks closed before
 * it), never from its final percent or urge count; a snapshot at which the task had already turned
 * red, or had already closed, is left out: it tells nothing an open, not-yet-red task would show.
 */

/** A task's story as far as risk is concerned (epoch ms). */
export interface RiskTaskStory {
  id: string;
  departmentId: string;
  kind: string;
  startedAt: number;
  dueAt: number;
  /** Progress reports: when and the percent reported (null when none was given). */
  reports: ReadonlyArray<{ at: number; percent: number | null }>;
  urges: readonly number[];
  /** When it was signed, if it was. */
  signedAt: number | null;
  /** When the light first turned red, if it did (null: not yet, or never). */
  redAt: number | null;
}

/** A department's closed tasks of a kind and how many went red. */
export interface DepartmentRecord {
  closed: number;
  red: number;
}

export interface RiskFeatures {
  /** Smoothed share of the department's closed tasks of this kind that went red. */
  departmentRedRate: number;
  departmentClosed: number;
  /** Share of the window elapsed, 0–1 (capped). */
  elapsed: number;
  /** Reported progress, 0–1 (an unsigned task 0, a signed one without a percent 0.1). */
  progress: number;
  /** Urges since the last progress report. */
  urgesUnanswered: number;
}

/** How strongly the department's record is pulled towards the platform's base rate (pseudo-tasks). */
const PRIOR_WEIGHT = 5;
/** Moments of a closed task's window at which training snapshots are taken. */
export const SNAPSHOT_FRACTIONS = [0.25, 0.5, 0.75] as const;

export function smoothedRate(record: DepartmentRecord | undefined, baseRate: number): number {
  const closed = record?.closed ?? 0;
  const red = record?.red ?? 0;
  return (red + PRIOR_WEIGHT * baseRate) / (closed + PRIOR_WEIGHT);
}

/** The features of a task as it stood at `at`: only what was known then. */
export function featuresAt(story: RiskTaskStory, at: number, record: DepartmentRecord | undefined, baseRate: number): RiskFeatures {
  const window = Math.max(1, story.dueAt - story.startedAt);
  const before = story.reports.filter((r) => r.at <= at);
  const lastReport = before.at(-1)?.at ?? -Infinity;
  const lastPercent = [...before].reverse().find((r) => r.percent !== null)?.percent ?? null;
  const signed = story.signedAt !== null && story.signedAt <= at;
  return {
    departmentRedRate: smoothedRate(record, baseRate),
    departmentClosed: record?.closed ?? 0,
    elapsed: Math.min(1.5, Math.max(0, (at - story.startedAt) / window)),
    progress: lastPercent !== null ? lastPercent / 100 : signed ? 0.1 : 0,
    urgesUnanswered: story.urges.filter((u) => u <= at && u > lastReport).length,
  };
}

/** The model's inputs: log-odds of the record, time used beyond progress, unanswered urges (capped at 3). */
export function featureVector(f: RiskFeatures): number[] {
  const p = Math.min(0.99, Math.max(0.01, f.departmentRedRate));
  return [Math.log(p / (1 - p)), f.elapsed - f.progress, Math.min(3, f.urgesUnanswered)];
}

export interface LogisticModel {
  weights: number[];
  bias: number;
  /** Standardisation learnt on the training rows. */
  means: number[];
  scales: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Logistic regression by batch gradient descent on standardised inputs, with a little L2 (no
 * maintained package for it is installed: see assist/README.md).
 */
export function fitLogistic(rows: readonly number[][], labels: readonly number[], options: { iterations?: number; rate?: number; l2?: number } = {}): LogisticModel {
  const { iterations = 800, rate = 0.3, l2 = 0.01 } = options;
  const d = rows[0]?.length ?? 0;
  const means = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / Math.max(1, rows.length));
  const scales = means.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / Math.max(1, rows.length)) || 1);
  const xs = rows.map((r) => r.map((v, j) => (v - means[j]!) / scales[j]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    for (const [i, x] of xs.entries()) {
      const error = sigmoid(bias + x.reduce((s, v, j) => s + v * weights[j]!, 0)) - labels[i]!;
      for (let j = 0; j < d; j++) grad[j]! += error * x[j]!;
      gradBias += error;
    }
    const n = Math.max(1, xs.length);
    for (let j = 0; j < d; j++) weights[j]! -= rate * (grad[j]! / n + l2 * weights[j]!);
    bias -= rate * (gradBias / n);
  }
  return { weights, bias, means, scales };
}

export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  return sigmoid(model.bias + x.reduce((s, v, j) => s + ((v - model.means[j]!) / model.scales[j]!) * model.weights[j]!, 0));
}

/** Mean squared error of probabilities against 0/1 outcomes (lower is better). */
export function brierScore(probabilities: readonly number[], labels: readonly number[]): number {
  return probabilities.reduce((s, p, i) => s + (p - labels[i]!) ** 2, 0) / Math.max(1, probabilities.length);
}

/** Area under the ROC curve: the chance a red case scores above a non-red one (ties count half). */
export function areaUnderCurve(probabilities: readonly number[], labels: readonly number[]): number {
  const order = probabilities.map((p, i) => ({ p, y: labels[i]! })).sort((a, b) => a.p - b.p);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.p === order[i]!.p) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (order[k]!.y === 1) {
      rankSum += averageRank;
      positives += 1;
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface RiskReason {
  code: 'department_record' | 'time_vs_progress' | 'urges_unanswered';
  zh: string;
  en: string;
}

/** The reasons worth a supervisor's eye, strongest signals only (none when the task looks fine). */
export function riskReasons(f: RiskFeatures, baseRate: number): RiskReason[] {
  const reasons: RiskReason[] = [];
  const pct = (x: number) => Math.round(x * 100);
  if (f.departmentClosed > 0 && f.departmentRedRate > baseRate) {
    reasons.push({
      code: 'department_record',
      zh: `该部门同类任务 ${pct(f.departmentRedRate)}% 曾亮红灯（平台 ${pct(baseRate)}%）`,
      en: `${pct(f.departmentRedRate)}% of this department's tasks of this kind went red (platform ${pct(baseRate)}%)`,
    });
  }
  if (f.elapsed - f.progress > 0.2) {
    reasons.push({
      code: 'time_vs_progress',
      zh: `时限已用 ${pct(Math.min(1, f.elapsed))}%，进度 ${pct(f.progress)}%`,
      en: `${pct(Math.min(1, f.elapsed))}% of the time used, ${pct(f.progress)}% progress`,
    });
  }
  if (f.urgesUnanswered > 0) {
    reasons.push({ code: 'urges_unanswered', zh: `${f.urgesUnanswered} 次催办未回应`, en: `${f.urgesUnanswered} urge(s) unanswered` });
  }
  return reasons;
}
