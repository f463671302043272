import { z } from 'zod';
import { ITEM_KINDS, ITEM_STATUSES, LIGHTS, SUPERVISION_KINDS, TASK_ROLES, TASK_STATUSES } from '../../domain/types';
import { taskWireSchema as domainTaskWireSchema } from '../../domain/task-wire';
import { itemDrillDownQuery } from './item-drill-down';
import { pageOf, pageQuery } from './pagination';
import { ownMessages } from '../validation-messages';

/** ISO-8601 instant with a zone; deeper checks (real date, future) are the service's. */
const INSTANT_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const isoInstant = z
  .string()
  .max(40)
  .regex(INSTANT_FORMAT, ownMessages.instant.en)
  // Years Postgres and every calendar here hold (year 0000 has the format, but Postgres refuses it);
  // a value without the format is refused once, by the pattern above.
  .refine((value) => !INSTANT_FORMAT.test(value) || Number(value.slice(0, 4)) >= 1900, ownMessages.instant.en);
/** Parsed by domain parseDuration in the service, so the message says what is wrong with it. */
const isoDuration = z.string().min(1).max(40);
const text = (max: number) => z.string().max(max);

export const launchTaskBody = z.object({
  departmentId: z.uuid(),
  role: z.enum(TASK_ROLES),
  dueAt: isoInstant.optional(),
});

export const launchItemBody = z.object({
  // Appeals are launched only by their dispatch (POST /api/appeals/:id/dispatch).
  kind: z.enum(SUPERVISION_KINDS),
  title: z.string().trim().min(1).max(200),
  description: text(20_000).optional(),
  source: text(500).optional(),
  /** The issuing leader; a leader launching without it issues the item themselves. */
  issuedBy: z.uuid().optional(),
  dueAt: isoInstant.optional(),
  dueInWorkingDays: z.number().int().min(1).max(3650).optional(),
  warnBefore: isoDuration.optional(),
  signWithin: isoDuration.optional(),
  reportEvery: isoDuration.nullable().optional(),
  public: z.boolean().default(false),
  tasks: z.array(launchTaskBody).min(1).max(100),
});
export type LaunchItemBody = z.infer<typeof launchItemBody>;
/** A launch as the services make it: any kind (an appeal's dispatch launches kind `appeal`). */
export type LaunchInput = Omit<LaunchItemBody, 'kind'> & { kind: (typeof ITEM_KINDS)[number] };

/** A task on the wire: the one schema of domain/task-wire.ts, plus the working days it was given when read from the read model. */
export const taskWireSchema = domainTaskWireSchema.extend({ workingDays: z.number().nullable().optional() });

export const launchedItemSchema = z.object({
  id: z.string(),
  code: z.string(),
  workflowId: z.string(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  light: z.enum(LIGHTS),
  status: z.enum(ITEM_STATUSES),
  issuedBy: z.string(),
  dueAt: z.string(),
  public: z.boolean(),
  createdAt: z.string(),
  tasks: z.array(taskWireSchema),
});

export const itemSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  status: z.enum(ITEM_STATUSES),
  light: z.enum(LIGHTS),
  issuedBy: z.string(),
  dueAt: z.string(),
  public: z.boolean(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  departmentIds: z.array(z.string()),
});

/** Another department's task on a shared item, as every reader of the item may see it. */
export const sharedTaskSchema = z.object({
  taskId: z.string(),
  departmentId: z.string(),
  role: z.enum(TASK_ROLES),
  status: z.enum(TASK_STATUSES),
  light: z.enum(LIGHTS),
});

export const timelineEntrySchema = z.object({
  id: z.string(),
  taskId: z.string().nullable(),
  type: z.string(),
  at: z.string(),
  actor: z.object({ userId: z.string(), name: z.string(), role: z.string(), departmentId: z.string().nullable() }),
  reason: z.object({ code: z.string().nullable(), en: z.string(), zh: z.string().nullable() }).nullable(),
  data: z.unknown(),
});

export const itemDetailSchema = itemSummarySchema.omit({ departmentIds: true }).extend({
  description: z.string(),
  source: z.string(),
  workflowId: z.string(),
  cancelledAt: z.string().nullable(),
  redEver: z.boolean(),
  /** The tasks the reader may read in full: department staff only their own department's. */
  tasks: z.array(taskWireSchema),
  /** Every department sharing the item, with its task's status and light, and nothing more (to coordinate). */
  departments: z.array(sharedTaskSchema),
  timeline: z.array(timelineEntrySchema),
  /** Leaders' and supervisors' instructions (批示) on the item. */
  instructions: z.array(z.object({ id: z.string(), at: z.string(), actor: z.object({ userId: z.string(), name: z.string(), role: z.string() }), text: z.string() })),
  /** The primary this item is merged into now (a duplicate follows it), or null. */
  mergedInto: z.object({ id: z.string(), code: z.string(), title: z.string(), mergedAt: z.string() }).nullable(),
  /** The duplicates merged into this item, with their own text. */
  duplicates: z.array(z.object({ id: z.string(), code: z.string(), title: z.string(), description: z.string(), mergedAt: z.string() })),
});

export const itemListQuery = pageQuery.extend({
  kind: z.enum(ITEM_KINDS).optional(),
  status: z.enum(ITEM_STATUSES).optional(),
  light: z.enum(LIGHTS).optional(),
  departmentId: z.uuid().optional(),
  issuedBy: z.uuid().optional(),
  q: z.string().trim().min(1).max(200).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  // A dashboard figure's drill-down (metric, dateField, asOf): then from/to apply to dateField.
  ...itemDrillDownQuery.shape,
});
export type ItemListQuery = z.infer<typeof itemListQuery>;

export const itemPage = pageOf(itemSummarySchema);

/** The item workflow's own answer (ItemWire), e.g. after a cancel. */
export const itemWireSchema = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  description: z.string(),
  source: z.string(),
  status: z.enum(ITEM_STATUSES),
  light: z.enum(LIGHTS),
  issuedBy: z.string(),
  dueAt: z.string(),
  public: z.boolean(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
  redEver: z.boolean(),
  version: z.number(),
  tasks: z.array(taskWireSchema),
  /** The primary this item is merged into (null: not merged). */
  mergedInto: z.object({ id: z.string(), code: z.string(), mergedAt: z.string(), taskIds: z.array(z.string()) }).nullable(),
  /** The items merged into this one. */
  duplicateIds: z.array(z.string()),
});

export const cancelItemBody = z.object({ reason: z.string().trim().min(1).max(2000) });

export const publicItemSchema = z.object({
  title: z.string(),
  kind: z.enum(ITEM_KINDS),
  departments: z.array(z.string()),
  dueAt: z.string(),
  status: z.enum(ITEM_STATUSES),
  light: z.enum(LIGHTS),
});
export const publicItemPage = pageOf(publicItemSchema);
