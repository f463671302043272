import { z } from 'zod';
import { APPEAL_CHANNELS, APPEAL_STAGES, CITIZEN_STATUSES, CONTACT_METHODS, isPhoneNumber, VISIT_RESULTS } from '../../domain/appeals';
import { isoInstant } from './items';
import { pageOf, pageQuery } from './pagination';
import { ownMessages } from '../validation-messages';

// Bodies exactly per API.md ("Intake, the hotline loop…"); state-dependent rules are the services'.
const words = (max: number) => z.string().trim().min(1).max(max);
const phone = z
  .string()
  .trim()
  .max(20)
  .transform((v) => v.replace(/[\s()]/g, ''))
  .refine(isPhoneNumber, ownMessages.phone.en);

const appealFields = {
  text: words(5_000),
  title: words(200).optional(),
  citizenName: words(50).optional(),
  phone,
  place: words(200).optional(),
  attachmentIds: z.array(z.uuid()).max(20).optional(),
};

/** `matterId`: the supervision matter it concerns (optional; 400 on an unknown id). */
export const registerAppealBody = z.object({ ...appealFields, channel: z.enum(APPEAL_CHANNELS), matterId: z.uuid().optional() });
export type RegisterAppealBody = z.infer<typeof registerAppealBody>;

/** The citizen's form: the same fields, `channel` is `web`; plus the solved captcha (ALTCHA payload, base64). */
export const publicAppealBody = z.object({ ...appealFields, captcha: z.string().min(1).max(10_000) });
export type PublicAppealBody = z.infer<typeof publicAppealBody>;

/** `matterId`: ties the appeal (and its item) to a supervision matter, replacing the one given at registration. */
export const dispatchBody = z.object({ departmentId: z.uuid(), assist: z.array(z.uuid()).max(20).optional(), matterId: z.uuid().optional() });
export const replyBody = z.object({ text: words(10_000), contactMethod: z.enum(CONTACT_METHODS), contactedAt: isoInstant });
export const returnBody = z.object({ reason: words(5_000) });
export const returnVisitBody = z.object({ result: z.enum(VISIT_RESULTS), comment: z.string().trim().max(5_000).optional() });

export const queryCodeParams = z.object({ queryCode: z.string().trim().toUpperCase().length(10) });
export const citizenQuery = z.object({ phone });

export const registeredAppealSchema = z.object({
  id: z.string(),
  code: z.string(),
  queryCode: z.string(),
  status: z.enum(APPEAL_STAGES),
  /** Where auto-dispatch sent it at once (issue 18), with the model's confidence; null: it waits for a dispatcher. */
  autoDispatched: z
    .object({ departmentId: z.string(), departmentName: z.string(), departmentNameEn: z.string().nullable(), confidence: z.number(), modelVersion: z.number().int() })
    .nullable(),
});

export const appealSchema = z.object({
  id: z.string(),
  code: z.string(),
  queryCode: z.string(),
  channel: z.enum(APPEAL_CHANNELS),
  title: z.string(),
  text: z.string(),
  citizenName: z.string().nullable(),
  /** Masked (138****1234) except for operators and the departments handling it. */
  phone: z.string(),
  place: z.string().nullable(),
  attachmentIds: z.array(z.string()),
  status: z.enum(APPEAL_STAGES),
  createdAt: z.string(),
  departmentId: z.string().nullable(),
  leadTaskId: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  returnCount: z.number().int(),
  reopenCount: z.number().int(),
  reply: z.object({ text: z.string(), contactMethod: z.enum(CONTACT_METHODS).nullable(), contactedAt: z.string().nullable(), repliedAt: z.string() }).nullable(),
  visitDueAt: z.string().nullable(),
  visit: z.object({ result: z.enum(VISIT_RESULTS), comment: z.string().nullable(), visitedAt: z.string() }).nullable(),
  closedAt: z.string().nullable(),
  /** The supervision matter it concerns, if any. */
  matterId: z.string().nullable(),
});
export const appealPage = pageOf(appealSchema);

export const appealListQuery = pageQuery.extend({
  status: z.enum(APPEAL_STAGES).optional(),
  /** Only appeals whose return visit is due (replied, due before now + this many hours; 0 = overdue). */
  visitDueWithinHours: z.coerce.number().int().min(0).max(24 * 60).optional(),
});
export type AppealListQuery = z.infer<typeof appealListQuery>;

export const submittedAppealSchema = z.object({ queryCode: z.string() });

export const citizenViewSchema = z.object({
  status: z.enum(CITIZEN_STATUSES),
  submittedAt: z.string(),
  reply: z.string().optional(),
  repliedAt: z.string().optional(),
});

/** An ALTCHA v2 challenge (altcha-lib): solve it and send `base64(JSON {challenge, solution})` as `captcha`. */
export const challengeSchema = z.object({
  parameters: z
    .object({ algorithm: z.string(), nonce: z.string(), salt: z.string(), cost: z.number(), keyLength: z.number(), keyPrefix: z.string(), expiresAt: z.number().optional() }),
  signature: z.string().optional(),
});
