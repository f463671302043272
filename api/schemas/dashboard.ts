import { z } from 'zod';
import { DATE_FIELDS, METRICS } from '../../db/queries/dashboard';
import { ITEM_KINDS } from '../../domain/types';
import { isoInstant } from './items';
import { pageOf, pageQuery } from './pagination';
import { riskNotice, taskRiskSchema } from './risk';

export const dashboardQuery = z.object({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  /** One department id, or several separated by commas. */
  departmentId: z.string().max(20_000).optional(),
  issuedBy: z.uuid().optional(),
  /** Which date `from`/`to` filter on: the item's launch, the task's due date, or its completion. */
  dateField: z.enum(DATE_FIELDS).default('launched'),
  /** What the standing book showed at this instant, rebuilt from the timeline. */
  asOf: isoInstant.optional(),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export const factListQuery = pageQuery
  .extend(dashboardQuery.shape)
  .extend({
    metric: z.enum(METRICS).default('total'),
    /** `due`: latest due date first; `risk`: the open tasks most likely to end red first (tasks without a forecast last). */
    sort: z.enum(['due', 'risk']).default('due'),
  });
export type FactListQuery = z.infer<typeof factListQuery>;

export const trendQuery = dashboardQuery.extend({ granularity: z.enum(['week', 'month']).default('month') });
export type TrendQuery = z.infer<typeof trendQuery>;

const counts = Object.fromEntries(METRICS.map((m) => [m, z.number().int()])) as Record<(typeof METRICS)[number], z.ZodNumber>;
const figures = z.object({
  ...counts,
  onTimeRate: z.number().nullable(),
  /** Accountability actions (问责) decided in the period and not withdrawn. */
  accountability: z.number().int(),
});
const drillDown = z.object({ tasks: z.string(), items: z.string() });
const departmentFigures = figures.extend({
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  drillDown,
  // Where the period has appeals (API.md): dispatched to the department, or returned by it.
  appeals: z.number().int().optional(),
  satisfied: z.number().int().optional(),
  satisfactionRate: z.number().nullable().optional(),
  contacted24hRate: z.number().nullable().optional(),
  returned: z.number().int().optional(),
  firstDispatchRate: z.number().nullable().optional(),
  avgHandlingHours: z.number().nullable().optional(),
  reopenRate: z.number().nullable().optional(),
});
const section = z.object({ departments: z.array(departmentFigures), totals: figures.extend({ drillDown }) });

export const dashboardSchema = section.extend({
  dateField: z.enum(DATE_FIELDS),
  dateFieldLabel: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  kind: z.enum(ITEM_KINDS).nullable(),
  departmentIds: z.array(z.string()).nullable(),
  asOf: z.string().nullable(),
  generatedAt: z.string(),
  kinds: z.array(section.extend({ kind: z.enum(ITEM_KINDS), label: z.string() })),
  metrics: z.array(z.object({ key: z.string(), label: z.string() })),
});

export const factListItem = z.object({
  taskId: z.string(),
  itemId: z.string(),
  itemCode: z.string(),
  itemTitle: z.string(),
  kind: z.string(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  status: z.string(),
  light: z.string(),
  outcome: z.string().nullable(),
  dueAt: z.string(),
  launchedAt: z.string(),
  completedAt: z.string().nullable(),
  redEver: z.boolean(),
  postponed: z.boolean(),
  /** The forecast chance of ending red, for an open task not yet red while a risk model serves. */
  risk: taskRiskSchema.nullable(),
});
export const factListPage = pageOf(factListItem).extend({
  metric: z.enum(METRICS),
  dateField: z.enum(DATE_FIELDS),
  sort: z.enum(['due', 'risk']),
  /** Why no row carries a risk (no model, too little history). */
  riskNotice: riskNotice.nullable(),
});
