import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { items } from './items';
import { departments } from './org';

/** Past work orders an admin imported (text and the department that handled it), for training. */
export const aiHistory = pgTable(
  'ai_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** One import file: its rows go in together or not at all. */
    importId: uuid('import_id').notNull(),
    title: text('title'),
    text: text('text').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    importedBy: uuid('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    /** Endorsements (likes, co-signatures) where the old system knew them: added to its hotspot topic's. */
    endorsements: integer('endorsements').notNull().default(0),
    /** When it was filed in the old system, where known: within a hotspot window, it counts in the topics. */
    filedAt: timestamp('filed_at', { withTimezone: true }),
  },
  (t) => [index('ai_history_import_idx').on(t.importId), index('ai_history_filed_at_idx').on(t.filedAt).where(sql`${t.filedAt} is not null`)],
);

/** Held-out figures of a run (assist/metrics.ts `Figures`, which has the same shape). */
export interface AiFigures {
  examples: number;
  accuracy: number;
  top3: number;
  macroF1: number;
  perLabel: Array<{ label: string; precision: number; recall: number; support: number }>;
}

export type AiModelStatus = 'training' | 'ready' | 'failed' | 'too_little_history';

/** One training run and, once `ready`, the model it made. Suggestions are served by the newest ready one. */
export const aiModels = pgTable(
  'ai_models',
  {
    version: serial('version').primaryKey(),
    status: text('status').$type<AiModelStatus>().notNull(),
    /** 0–100, as the BullMQ job reports it. */
    progress: integer('progress').notNull().default(0),
    requestedBy: uuid('requested_by'),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    examples: integer('examples'),
    targetPrecision: doublePrecision('target_precision').notNull(),
    temperature: doublePrecision('temperature'),
    /** Auto-dispatch threshold on the certainty (top confidence less the second, assist/classifier.ts `certainty`) for the target precision on held-out history; null when history cannot promise it. */
    threshold: doublePrecision('threshold'),
    /** Share of held-out history at or above the threshold. */
    coverage: doublePrecision('coverage'),
    /** Held-out figures (assist/metrics.ts Figures), per-department precision and recall included. */
    figures: jsonb('figures').$type<AiFigures>(),
    /** The learnt model, serialised (assist/classifier.ts `LinearModel.serialize`: TF-IDF vocabulary and linear SVM weights). */
    counts: text('counts'),
    message: text('message'),
  },
  (t) => [index('ai_models_ready_idx').on(t.version).where(sql`status = 'ready'`)],
);

/** Every suggestion served: model version, what was suggested, and later what the dispatcher chose. */
export const aiSuggestions = pgTable(
  'ai_suggestions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    modelVersion: integer('model_version').references(() => aiModels.version),
    requestedBy: uuid('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    /** [{departmentId, confidence, terms}] as answered. */
    suggested: jsonb('suggested').notNull(),
    topDepartmentId: uuid('top_department_id'),
    topConfidence: doublePrecision('top_confidence'),
    chosenDepartmentId: uuid('chosen_department_id'),
    chosenAt: timestamp('chosen_at', { withTimezone: true }),
    itemId: uuid('item_id'),
  },
  (t) => [index('ai_suggestions_requested_at_idx').on(t.requestedAt)],
);

/** Auto-dispatch switched on or off per item kind (the threshold comes with each model). */
export const aiAutoDispatch = pgTable('ai_auto_dispatch', {
  kind: text('kind').primaryKey(),
  enabled: boolean('enabled').notNull().default(false),
  updatedBy: uuid('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** An item's MinHash signature over its segmented title and description, for the duplicate search. */
export const aiFingerprints = pgTable('ai_fingerprints', {
  itemId: uuid('item_id')
    .primaryKey()
    .references(() => items.id, { onDelete: 'cascade' }),
  minhash: integer('minhash').array().notNull(),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
});
