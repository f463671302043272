import { z } from 'zod';
import { ownMessages } from '../validation-messages';
import { FACTORS } from '../../db/queries/assessment';
import { dashboardQuery } from './dashboard';
import { pageOf, pageQuery } from './pagination';

/** Stored as a Postgres `real`: hundredths at most, so nothing too small for it (1e-173) reaches it. */
const points = z
  .number()
  .min(0)
  .max(1000)
  .refine((n) => n === 0 || (n >= 0.01 && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6), ownMessages.points.en);
/** The appeal factors are optional: left out, they keep their current points. */
export const weightsBody = z.object({
  onTimeRate: points,
  redEver: points,
  urge: points,
  returned: points,
  postponed: points,
  appealUnsatisfied: points.optional(),
  appealLateContact: points.optional(),
  appealReopened: points.optional(),
});

/** The assessment's filters (those of the dashboard), paged, optionally one factor. */
export const deductionsQuery = pageQuery.extend(dashboardQuery.shape).extend({ factor: z.enum(FACTORS).optional() });
export type DeductionsQuery = z.infer<typeof deductionsQuery>;

export const deductionsPage = pageOf(
  z.object({
    departmentId: z.string(),
    itemId: z.string(),
    itemCode: z.string(),
    itemTitle: z.string(),
    taskId: z.string(),
    factor: z.enum(FACTORS),
    label: z.string(),
    count: z.number().int(),
    points: z.number(),
  }),
).extend({ factor: z.enum(FACTORS).nullable() });
