import { z } from 'zod';
import { riskLevels } from '../../db/schema/intake';
import { APPEAL_CHANNELS } from '../../domain/appeals';
import { registerAppealBody } from './appeals';
import { ownMessages } from '../validation-messages';
import { durationString } from './durations';

/** A source's name as signals carry it: letters, digits and `._-`. */
const sourceName = z.string().min(1).max(100).regex(/^[\w.-]+$/, ownMessages.username.en);
const DETAILS_MAX_BYTES = 16_384;

export const signalBody = z.object({
  source: sourceName,
  externalId: z.string().min(1).max(200),
  subject: z.string().trim().min(1).max(180),
  riskLevel: z.enum(riskLevels),
  details: z
    .record(z.string(), z.unknown())
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= DETAILS_MAX_BYTES, `at most ${DETAILS_MAX_BYTES} bytes of JSON`)
    .optional(),
  /** Overrides the rule's (and the matter's) department. */
  departmentId: z.uuid().optional(),
  /** The supervision matter (its catalogue code) the signal concerns: the item is tied to it and goes to its department. */
  matterCode: z.string().trim().min(1).max(64).optional(),
});
export type SignalBody = z.infer<typeof signalBody>;

export const signalAnswer = z.object({ itemId: z.string(), created: z.boolean() });

/** An appeal from an outside system: the operator's fields without files, and its own id (once per source). */
export const intakeAppealBody = registerAppealBody
  .omit({ attachmentIds: true })
  .extend({ externalId: z.string().min(1).max(200), channel: z.enum(APPEAL_CHANNELS).optional() });
export type IntakeAppealBody = z.infer<typeof intakeAppealBody>;
export const intakeAppealAnswer = z.object({ id: z.string(), code: z.string(), queryCode: z.string(), created: z.boolean() });

export const signalOfItemSchema = z.object({
  source: z.string(),
  externalId: z.string(),
  subject: z.string(),
  riskLevel: z.enum(riskLevels),
  details: z.record(z.string(), z.unknown()).nullable(),
  receivedCount: z.number().int(),
  firstReceivedAt: z.string(),
  lastReceivedAt: z.string(),
  resultDeliveryId: z.string().nullable(),
});

export const sourceParams = z.object({ source: sourceName });
export const sourceBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** Where results are posted; null: not sent back. */
    resultUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
    /** The results' signing key; absent: kept as it was; null: unsigned. */
    resultSecret: z.string().min(16).max(200).nullable().optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export type SourceBody = z.infer<typeof sourceBody>;
export const sourceSchema = z.object({
  source: z.string(),
  name: z.string(),
  resultUrl: z.string().nullable(),
  hasResultSecret: z.boolean(),
  enabled: z.boolean(),
  updatedAt: z.string(),
});

export const ruleBody = z
  .object({
    source: sourceName,
    riskLevel: z.enum(riskLevels),
    departmentId: z.uuid(),
    /** The leader in whose name verification items are issued. */
    issuedBy: z.uuid(),
    dueInWorkingDays: z.number().int().min(1).max(365).nullable().optional(),
    dueWithin: durationString.nullable().optional(),
    /** Ties the rule's items to a supervision matter; they then go to its responsible department. */
    matterId: z.uuid().nullable().optional(),
  })
  .strict();
export type RuleBody = z.infer<typeof ruleBody>;
export const ruleSchema = z.object({
  id: z.string(),
  source: z.string(),
  riskLevel: z.enum(riskLevels),
  departmentId: z.string(),
  issuedBy: z.string(),
  dueInWorkingDays: z.number().nullable(),
  dueWithin: z.string().nullable(),
  matterId: z.string().nullable(),
  updatedAt: z.string(),
});

export const serviceAccountBody = z.object({ name: z.string().trim().min(1).max(200), source: sourceName }).strict();
export type ServiceAccountBody = z.infer<typeof serviceAccountBody>;
export const serviceAccountSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  keyPrefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export const createdServiceAccountSchema = serviceAccountSchema.extend({
  /** Shown once: only its hash is kept. */
  apiKey: z.string(),
  /** Shown once. */
  secret: z.string(),
});
