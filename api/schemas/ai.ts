import { z } from 'zod';
import { ITEM_KINDS, ITEM_STATUSES } from '../../domain/types';
import { MAX_TEXT } from '../../assist/history-file';

/** Kinds whose dispatch may go automatic: the launched ones, and the appeals and verifications of intake. */
export const AUTO_DISPATCH_KINDS = [...ITEM_KINDS, 'appeal', 'verification'] as const;

export const suggestionBody = z
  .object({
    title: z.string().trim().max(200).optional(),
    text: z.string().trim().min(1).max(MAX_TEXT),
    kind: z.enum(AUTO_DISPATCH_KINDS).optional(),
  })
  .strict();

const notice = z.object({ code: z.enum(['no_model', 'model_outdated', 'no_known_words']), message: z.string(), messageZh: z.string() });

export const suggestionAnswer = z.object({
  suggestionId: z.string(),
  modelVersion: z.number().int().nullable(),
  suggestions: z.array(
    z.object({
      departmentId: z.string(),
      departmentName: z.string(),
      departmentNameEn: z.string().nullable(),
      confidence: z.number(),
      terms: z.array(z.string()),
    }),
  ),
  duplicates: z.array(
    z.object({ itemId: z.string(), code: z.string(), title: z.string(), status: z.enum(ITEM_STATUSES), similarity: z.number() }),
  ),
  threshold: z.number().nullable(),
  autoDispatch: z.object({ departmentId: z.string(), confidence: z.number() }).nullable(),
  notice: notice.nullable(),
});

export const choiceBody = z.object({ departmentId: z.uuid(), itemId: z.uuid().nullable().optional() }).strict();

/** Up to 20 MB of text: about 40,000 past work orders per file. */
export const HISTORY_BODY_LIMIT = 20 * 1024 * 1024;
export const historyBody = z.object({ format: z.enum(['csv', 'jsonl']), content: z.string().min(1) }).strict();
export const historyAnswer = z.object({ importId: z.string(), rows: z.number().int(), totalHistory: z.number().int() });

export const retrainBody = z.object({ targetPrecision: z.number().min(0.5).max(0.999).optional() }).strict();
export const versionParams = z.object({ version: z.coerce.number().int().positive() });

const labelFigures = z.object({ label: z.string(), precision: z.number(), recall: z.number(), support: z.number().int() });
export const modelSummary = z.object({
  version: z.number().int(),
  status: z.enum(['training', 'ready', 'failed', 'too_little_history']),
  progress: z.number().int(),
  requestedAt: z.date(),
  finishedAt: z.date().nullable(),
  examples: z.number().int().nullable(),
  targetPrecision: z.number(),
  threshold: z.number().nullable(),
  coverage: z.number().nullable(),
  /** Held-out figures of the inner cross-validation; `perLabel` is per department id. */
  figures: z
    .object({ examples: z.number().int(), accuracy: z.number(), top3: z.number(), macroF1: z.number(), perLabel: z.array(labelFigures) })
    .nullable(),
  message: z.string().nullable(),
});

export const autoDispatchAnswer = z.object({ kinds: z.array(z.object({ kind: z.string(), enabled: z.boolean(), updatedAt: z.date() })) });
export const autoDispatchBody = z.object({ enabled: z.boolean() }).strict();
export const kindParams = z.object({ kind: z.enum(AUTO_DISPATCH_KINDS) });

export const accuracyAnswer = z.object({
  months: z.array(
    z.object({
      month: z.string(),
      decided: z.number().int(),
      top1: z.number().int(),
      top3: z.number().int(),
      top1Rate: z.number(),
      top3Rate: z.number(),
    }),
  ),
});

export const hotspotsQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const hotspotsAnswer = z.object({
  from: z.string(),
  to: z.string(),
  /** Items read in the window. */
  items: z.number().int(),
  topics: z.array(
    z.object({
      /** The top words naming the topic. */
      words: z.array(z.string()),
      count: z.number().int(),
      /** Items in the later half of the window minus those in the earlier half. */
      trend: z.number().int(),
      /** Merged duplicates of its items, and imported likes where known. */
      endorsements: z.number().int(),
      departmentIds: z.array(z.string()),
      items: z.array(z.object({ id: z.string(), code: z.string(), title: z.string() })),
    }),
  ),
  /** Topics a leader pinned: always shown first, counted over the window whether in the top list or not. */
  pinned: z.array(
    z.object({
      id: z.string(),
      words: z.array(z.string()),
      pinnedAt: z.string(),
      count: z.number().int(),
      trend: z.number().int(),
      endorsements: z.number().int(),
      /** Counts in equal slices of the window, oldest first. */
      series: z.array(z.number().int()),
      departmentIds: z.array(z.string()),
      items: z.array(z.object({ id: z.string(), code: z.string(), title: z.string() })),
    }),
  ),
});

export const pinBody = z.object({
  /** The topic's words as shown (the first is the one that gathered it), or a term set of the leader's own. */
  words: z.array(z.string().trim().min(1).max(40)).min(1).max(10),
});
export const pinAnswer = z.object({ id: z.string(), words: z.array(z.string()), pinnedAt: z.string() });
