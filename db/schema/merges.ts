// Duplicates merged into a primary item (issue 18): one row per merge, closed by its unmerge. The
// workflows hold the truth (each item's state says what it is merged into); this is the read side's
// view, for the item pages and the citizen's query.
import { sql } from 'drizzle-orm';
import { index, pgTable, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { items } from './items';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const itemMerges = pgTable(
  'item_merges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    duplicateId: uuid('duplicate_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    primaryId: uuid('primary_id')
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    mergedBy: uuid('merged_by').notNull(),
    mergedAt: at('merged_at').notNull().defaultNow(),
    unmergedBy: uuid('unmerged_by'),
    unmergedAt: at('unmerged_at'),
  },
  (t) => [
    uniqueIndex('item_merges_current_duplicate_idx').on(t.duplicateId).where(sql`unmerged_at IS NULL`),
    index('item_merges_primary_idx').on(t.primaryId).where(sql`unmerged_at IS NULL`),
  ],
);
