import { z } from 'zod';

export const riskReason = z.object({ code: z.enum(['department_record', 'time_vs_progress', 'urges_unanswered']), zh: z.string(), en: z.string() });
/** A task's forecast chance of ending red, with what drives it. */
export const taskRiskSchema = z.object({ percent: z.number().int(), probability: z.number(), reasons: z.array(riskReason) });
/** Why no risk is shown. */
export const riskNotice = z.object({ code: z.enum(['no_model', 'too_little_history', 'closed', 'already_red']), messageZh: z.string(), messageEn: z.string() });

export const taskRiskAnswer = z.object({ taskId: z.string(), modelVersion: z.number().int().nullable(), risk: taskRiskSchema.nullable(), notice: riskNotice.nullable() });

const figures = z.object({
  closed: z.number().int(),
  red: z.number().int(),
  trainSnapshots: z.number().int(),
  heldOutSnapshots: z.number().int(),
  brier: z.number(),
  auc: z.number(),
  baselineBrier: z.number(),
  baselineAuc: z.number(),
});
const run = z.object({
  version: z.number().int(),
  status: z.string(),
  finishedAt: z.string().nullable(),
  closed: z.number().int().nullable(),
  red: z.number().int().nullable(),
  figures: figures.nullable(),
  message: z.string().nullable(),
});
export const riskModelAnswer = z.object({
  minimum: z.object({ closed: z.number().int(), red: z.number().int() }),
  serving: z.number().int().nullable(),
  notice: riskNotice.nullable(),
  latest: run.nullable(),
  ready: run.nullable(),
});
