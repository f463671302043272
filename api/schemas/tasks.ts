import { z } from 'zod';
import { isoInstant } from './items';
import { ownMessages } from '../validation-messages';

// Bodies exactly per API.md. Blank texts are 400 here; state-dependent rules are the workflow's.
const words = (max: number) => z.string().trim().min(1).max(max);

export const signBody = z.object({}).optional();
export const progressBody = z.object({ text: words(10_000), percent: z.number().min(0).max(100).optional() });
export const extensionBody = z.object({ reason: words(5_000), newDueAt: isoInstant });
export const transferBody = z.object({ reason: words(5_000), suggestedDepartmentId: z.uuid().optional() });
export const completeBody = z.object({ summary: words(20_000), fields: z.record(z.string(), z.unknown()).optional() });
export const reviewBody = z
  .object({ decision: z.enum(['accept', 'return']), comment: z.string().trim().max(5_000).default('') })
  .refine((b) => b.decision === 'accept' || b.comment.length > 0, { message: ownMessages.returnReason.en, path: ['comment'] });
export const extensionDecisionBody = z.object({ approve: z.boolean(), comment: z.string().trim().max(5_000).optional() });
export const transferDecisionBody = z.object({
  approve: z.boolean(),
  departmentId: z.uuid().optional(),
  comment: z.string().trim().max(5_000).optional(),
});
export const urgeBody = z.object({ message: words(5_000) });
