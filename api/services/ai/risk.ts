import { MIN_CLOSED, MIN_RED } from '../../../assist/risk-train';
import { featureVector, featuresAt, predictLogistic, riskReasons, type RiskReason } from '../../../assist/risk';
import { departmentRecords, insertRiskRun, latestRiskRuns, openTaskRows, riskEventsOf } from '../../../db/queries/risk';
import type { RiskModelParameters } from '../../../db/schema/risk';
import { RISK_TRAIN_JOB, type RiskTrainJob } from '../../../jobs/ai/risk-train';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { findVisibleTask } from '../tasks/actions';

export interface TaskRisk {
  /** 0–100, the chance the task ends red. */
  percent: number;
  probability: number;
  reasons: RiskReason[];
}

export interface RiskNotice {
  code: 'no_model' | 'too_little_history' | 'closed' | 'already_red';
  messageZh: string;
  messageEn: string;
}

const notices = {
  no_model: (): RiskNotice => ({ code: 'no_model', messageZh: '风险模型尚未训练，暂无风险预警。', messageEn: 'The risk model has not been trained yet: no risk warning.' }),
  too_little_history: (closed: number, red: number): RiskNotice => ({
    code: 'too_little_history',
    messageZh: `历史不足：已办结任务 ${closed} 项，其中亮红灯 ${red} 项；至少需要 ${MIN_CLOSED} 项且红灯 ${MIN_RED} 项才显示风险预警。`,
    messageEn: `Too little history: ${closed} closed tasks, ${red} of them red; at least ${MIN_CLOSED} with ${MIN_RED} red are needed before risk is shown.`,
  }),
  closed: (): RiskNotice => ({ code: 'closed', messageZh: '任务已办结，无需预警。', messageEn: 'The task is closed: nothing to forecast.' }),
  already_red: (): RiskNotice => ({ code: 'already_red', messageZh: '任务已亮红灯。', messageEn: 'The task is already red.' }),
};

/** The model served, or why there is none (the newest finished run says it). */
export async function servedRiskModel(deps: Pick<ApiDeps, 'database'>): Promise<{ version: number; model: RiskModelParameters } | { notice: RiskNotice }> {
  const { latest, ready } = await latestRiskRuns(deps.database.db);
  // A newer run that found too little history (data deleted, say) withdraws the badge.
  if (latest?.status === 'too_little_history') return { notice: notices.too_little_history(latest.closed ?? 0, latest.red ?? 0) };
  if (!ready?.model) return { notice: notices.no_model() };
  return { version: ready.version, model: ready.model };
}

/** Risk of each open, not-yet-red task among `taskIds` as of `now` (absent: closed, red, or no model). */
export async function risksOf(deps: Pick<ApiDeps, 'database'>, model: RiskModelParameters, taskIds: readonly string[], now = new Date()): Promise<Map<string, TaskRisk>> {
  const db = deps.database.db;
  const rows = await openTaskRows(db, taskIds);
  const events = await riskEventsOf(
    db,
    rows.map((r) => r.id),
  );
  const records = await departmentRecords(db, [...new Set(rows.map((r) => r.departmentId))]);
  const recordOf = new Map(records.rows.map((r) => [`${r.departmentId}|${r.kind}`, r]));
  const risks = new Map<string, TaskRisk>();
  for (const row of rows) {
    if (row.light === 'red' || (row.redAt !== null && row.redAt <= now)) continue;
    const story = { ...row, startedAt: row.startedAt.getTime(), dueAt: row.dueAt.getTime(), ...events.get(row.id)! };
    const features = featuresAt(story, now.getTime(), recordOf.get(`${row.departmentId}|${row.kind}`), model.baseRate);
    const probability = predictLogistic(model, featureVector(features));
    // A forecast is never a certainty: 0% or 100% would read as one.
    risks.set(row.id, { probability, percent: Math.min(99, Math.max(1, Math.round(probability * 100))), reasons: riskReasons(features, model.baseRate) });
  }
  return risks;
}

/** GET /api/tasks/:id/risk: the task's risk, or why none is shown. */
export async function taskRisk(deps: ApiDeps, user: SessionUser, taskId: string, now = new Date()) {
  const task = await findVisibleTask(deps, user, taskId);
  const served = await servedRiskModel(deps);
  if ('notice' in served) return { taskId, modelVersion: null, risk: null, notice: served.notice };
  if (task.closedAt !== null) return { taskId, modelVersion: served.version, risk: null, notice: notices.closed() };
  const risk = (await risksOf(deps, served.model, [taskId], now)).get(taskId) ?? null;
  return { taskId, modelVersion: served.version, risk, notice: risk ? null : notices.already_red() };
}

/** Risk of a page of task rows: the field on each row, and the notice when no model serves. */
export async function riskForRows(deps: Pick<ApiDeps, 'database'>, taskIds: readonly string[], now = new Date()) {
  const served = await servedRiskModel(deps);
  if ('notice' in served) return { risks: new Map<string, TaskRisk>(), notice: served.notice };
  return { risks: await risksOf(deps, served.model, taskIds, now), notice: null };
}

/** The model as admins and leaders see it: held-out Brier and AUC against the baseline, and the history size. */
export async function riskModelStatus(deps: ApiDeps) {
  const { latest, ready } = await latestRiskRuns(deps.database.db);
  const served = await servedRiskModel(deps);
  const summary = (run: typeof ready) =>
    run ? { version: run.version, status: run.status, finishedAt: run.finishedAt?.toISOString() ?? null, closed: run.closed, red: run.red, figures: run.figures ?? null, message: run.message } : null;
  return { minimum: { closed: MIN_CLOSED, red: MIN_RED }, serving: 'notice' in served ? null : served.version, notice: 'notice' in served ? served.notice : null, latest: summary(latest), ready: summary(ready) };
}

/** Starts a risk training run on the `ai` queue. */
export async function requestRiskTraining(deps: ApiDeps, user: SessionUser) {
  const version = await insertRiskRun(deps.database.db, user.id);
  const job: RiskTrainJob = { version };
  await deps.queues.ai.add(RISK_TRAIN_JOB, job, { jobId: `risk-${version}`, removeOnComplete: 100, removeOnFail: 100 });
  return { version, status: 'training' as const };
}
