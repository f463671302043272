import { z } from 'zod';
import { DATE_FIELDS, METRICS } from '../../db/queries/dashboard';
import { ownMessages } from '../validation-messages';

/** Extra filters of GET /api/items that make it the drill-down of a dashboard figure. */
export const itemDrillDownQuery = z.object({
  metric: z.enum(METRICS).optional(),
  /** Department ids separated by commas (the figure's departments). */
  departmentIds: z.string().max(20_000).optional(),
  dateField: z.enum(DATE_FIELDS).optional(),
  asOf: z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, ownMessages.instant.en).optional(),
});
