import { DEFAULT_TARGET_PRECISION } from '../../../assist/train';
import { autoDispatchSettings, findModelSummary, insertModelRun, listModelRuns, setAutoDispatch, suggestionAccuracyByMonth } from '../../../db/queries/ai';
import { RETRAIN_JOB, type RetrainJob } from '../../../jobs/ai/processor';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';

/** Starts a training run on the `ai` queue; serving stays on the current model until it is ready. */
export async function requestRetraining(deps: ApiDeps, user: SessionUser, request: { targetPrecision?: number }) {
  const version = await insertModelRun(deps.database.db, { requestedBy: user.id, targetPrecision: request.targetPrecision ?? DEFAULT_TARGET_PRECISION });
  const job: RetrainJob = { version };
  await deps.queues.ai.add(RETRAIN_JOB, job, { jobId: `retrain-${version}`, removeOnComplete: 100, removeOnFail: 100 });
  return { version, status: 'training' as const };
}

export async function listModels(deps: ApiDeps) {
  return { models: await listModelRuns(deps.database.db) };
}

export async function getModel(deps: ApiDeps, version: number) {
  const run = await findModelSummary(deps.database.db, version);
  if (!run) throw new AppError('not_found', 'No such model version.');
  return run;
}

export async function getAutoDispatch(deps: ApiDeps) {
  return { kinds: await autoDispatchSettings(deps.database.db) };
}

export async function switchAutoDispatch(deps: ApiDeps, user: SessionUser, kind: string, enabled: boolean) {
  await setAutoDispatch(deps.database.db, kind, enabled, user.id);
  return getAutoDispatch(deps);
}

/** The suggestions' record month by month: how often the dispatcher's choice was the first, or among the three. */
export async function suggestionAccuracy(deps: ApiDeps) {
  const months = await suggestionAccuracyByMonth(deps.database.db);
  return { months: months.map((m) => ({ ...m, top1Rate: m.decided ? m.top1 / m.decided : 0, top3Rate: m.decided ? m.top3 / m.decided : 0 })) };
}
