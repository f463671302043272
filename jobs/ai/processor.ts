import { UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { DEFAULT_TARGET_PRECISION } from '../../assist/train';
import type { Database } from '../../db/client';
import { finishModelRun, insertModelRun, setModelProgress } from '../../db/queries/ai';
import { retrain } from './retrain';
import { RISK_TRAIN_JOB, riskTrainJob, trainRiskRun } from './risk-train';

/** A run the API created (`version`), or none: the schedule's nightly run makes its own. */
export const retrainJob = z.object({ version: z.number().int().positive().optional() });
export type RetrainJob = z.infer<typeof retrainJob>;
export const RETRAIN_JOB = 'retrain';

export function createAiProcessor(deps: { db: Database }) {
  return async (job: Job) => {
    if (job.name === RISK_TRAIN_JOB) {
      const risk = riskTrainJob.safeParse(job.data);
      if (!risk.success) throw new UnrecoverableError(`bad risk job: ${risk.error.message}`);
      return { version: await trainRiskRun(deps.db, risk.data.version) };
    }
    const parsed = retrainJob.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad retrain job: ${parsed.error.message}`);
    const version = parsed.data.version ?? (await insertModelRun(deps.db, { requestedBy: null, targetPrecision: DEFAULT_TARGET_PRECISION }));
    try {
      await retrain(deps.db, version, async (percent) => {
        await job.updateProgress(percent);
        await setModelProgress(deps.db, version, percent);
      });
    } catch (error) {
      await finishModelRun(deps.db, version, { status: 'failed', message: error instanceof Error ? error.message.slice(0, 500) : 'failed' });
      // A failed run is recorded; the next request or the schedule trains anew.
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    return { version };
  };
}
