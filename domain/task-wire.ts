// The API's Task shape (API.md "Shapes"), written once: the API's response schema is this object and
// every TypeScript `TaskWire` (domain, workflows, audit, API) is `z.infer` of it.
// Not re-exported as a value by index.ts, so the workflow bundle never carries zod (types are erased).
import { z } from 'zod';
import { LIGHTS, OUTCOMES, TASK_ROLES, TASK_STATUSES } from './types';

const instant = z.string().describe('ISO-8601 instant, UTC');
const lightReason = z.object({ code: z.string(), en: z.string(), zh: z.string() });

export const taskWireSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  departmentId: z.string(),
  role: z.enum(TASK_ROLES),
  status: z.enum(TASK_STATUSES),
  light: z.enum(LIGHTS),
  lightReason: lightReason.nullable(),
  /** When the light turns yellow / red unless something happens (null: already so, or never): a screen flips it then without a reload. */
  nextYellowAt: instant.nullable(),
  nextRedAt: instant.nullable(),
  signDueAt: instant,
  warnAt: instant,
  dueAt: instant,
  originalDueAt: instant,
  outcome: z.enum(OUTCOMES).nullable(),
  redEver: z.boolean(),
  lastReportAt: instant.nullable(),
  percent: z.number().nullable(),
  postponed: z.boolean(),
  signedAt: instant.nullable(),
  submittedAt: instant.nullable(),
  acceptedAt: instant.nullable(),
  pendingExtension: z.object({ reason: z.string(), newDueAt: instant, requestedAt: instant }).nullable(),
  pendingTransfer: z.object({ reason: z.string(), suggestedDepartmentId: z.string().nullable(), requestedAt: instant }).nullable(),
  transferredTo: z.string().nullable(),
  urgeCount: z.number(),
  returnCount: z.number(),
  /** The named person handling the task (承办人). */
  assignee: z.object({ userId: z.string(), name: z.string() }).nullable(),
  version: z.number(),
});

export type TaskWire = z.infer<typeof taskWireSchema>;
