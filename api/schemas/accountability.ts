import { z } from 'zod';
import { ACCOUNTABILITY_KINDS } from '../../domain/accountability';
import { isoInstant } from './items';

const words = (max: number) => z.string().trim().min(1).max(max);

/** `POST /api/tasks/:id/accountability` (API.md). */
export const accountabilityBody = z.object({
  kind: z.enum(ACCOUNTABILITY_KINDS),
  personName: words(200),
  departmentId: z.uuid(),
  reason: words(4_000),
  decision: words(4_000),
  decidedAt: isoInstant,
});

/** A revision names only what changes (nothing changed: 422). */
export const accountabilityRevision = accountabilityBody.partial();

export const withdrawBody = z.object({ reason: words(2_000) });

export const accountabilityParams = z.object({ id: z.uuid() });

const actor = z.object({ userId: z.string(), name: z.string(), role: z.string(), departmentId: z.string().nullable() });

export const accountabilityWire = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  taskId: z.uuid(),
  kind: z.enum(ACCOUNTABILITY_KINDS),
  personName: z.string(),
  departmentId: z.uuid(),
  departmentName: z.string(),
  reason: z.string(),
  decision: z.string(),
  decidedAt: z.string(),
  status: z.enum(['active', 'withdrawn']),
  withdrawnAt: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  trail: z.array(z.object({ type: z.enum(['recorded', 'revised', 'withdrawn']), at: z.string(), actor, note: z.string().nullable(), text: z.object({ zh: z.string(), en: z.string() }) })),
});

export const accountabilityList = z.object({ items: z.array(accountabilityWire) });
export const createdAccountability = z.object({ id: z.uuid() });
