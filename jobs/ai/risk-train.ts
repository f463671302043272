import { z } from 'zod';
import { trainRisk, type ClosedTaskStory } from '../../assist/risk-train';
import type { Database } from '../../db/client';
import { closedTaskRows, finishRiskRun, findRiskRun, insertRiskRun, riskEventsOf } from '../../db/queries/risk';

/** A risk run the API created (`version`), or none: the nightly run makes its own. */
export const riskTrainJob = z.object({ version: z.number().int().positive().optional() });
export type RiskTrainJob = z.infer<typeof riskTrainJob>;
export const RISK_TRAIN_JOB = 'risk-train';

/** The deployment's accepted tasks with the events their snapshots are read from. */
export async function closedStories(db: Database): Promise<ClosedTaskStory[]> {
  const rows = (await closedTaskRows(db)).filter((row) => row.closedAt !== null);
  const events = await riskEventsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    departmentId: row.departmentId,
    kind: row.kind,
    startedAt: row.startedAt.getTime(),
    dueAt: row.dueAt.getTime(),
    closedAt: row.closedAt!.getTime(),
    red: row.redEver,
    ...events.get(row.id)!,
  }));
}

/** Trains run `version` (or a new one) on the platform's own closed tasks and records the outcome. */
export async function trainRiskRun(db: Database, requested?: number): Promise<number> {
  const version = requested ?? (await insertRiskRun(db, null));
  const run = await findRiskRun(db, version);
  if (!run || run.status !== 'training') return version;
  try {
    const outcome = trainRisk(await closedStories(db));
    if (!outcome.ok) {
      await finishRiskRun(db, version, {
        status: 'too_little_history',
        closed: outcome.closed,
        red: outcome.red,
        message: `too little history: ${outcome.closed} closed tasks, ${outcome.red} red`,
      });
      return version;
    }
    await finishRiskRun(db, version, {
      status: 'ready',
      closed: outcome.figures.closed,
      red: outcome.figures.red,
      figures: outcome.figures,
      model: { ...outcome.model, baseRate: outcome.baseRate },
    });
  } catch (error) {
    await finishRiskRun(db, version, { status: 'failed', message: error instanceof Error ? error.message.slice(0, 500) : 'failed' });
    throw error;
  }
  return version;
}
