import { z } from 'zod';
import { isoInstant } from './items';

// Bodies of the item's own actions (API.md): blank texts are 400 here; state-dependent rules are the workflow's.
const words = (max: number) => z.string().trim().min(1).max(max);

export const assistBody = z.object({ departmentId: z.uuid(), dueAt: isoInstant.optional() });
export const deadlineBody = z.object({ dueAt: isoInstant, reason: words(2_000) });
export const instructionBody = z.object({ text: words(4_000) });
export const publicBody = z.object({ public: z.boolean(), reason: z.string().trim().max(2_000).optional() });
export const assigneeBody = z.object({ userId: z.uuid() });
export const mergeBody = z.object({ primaryId: z.uuid() });
