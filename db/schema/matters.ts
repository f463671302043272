// The catalogue of supervision matters (监管事项清单): what each department supervises, at which level,
// over whom, on what legal basis, by which process and to what result. Kept by the admin
// (api/services/matters); items are tied to a matter through `item_matters`, written in their launch's
// transaction, so the workflow's projection of `items` never has to carry it.
import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { MATTER_LEVELS } from '../../domain/matters';
import { departments } from './org';

export const supervisionMatters = pgTable(
  'supervision_matters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The catalogue's own code (事项编码): a re-import of the same code updates the row. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** The responsible department (责任单位). */
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    level: text('level', { enum: MATTER_LEVELS }).notNull(),
    object: text('object'),
    legalBasis: text('legal_basis'),
    process: text('process'),
    expectedResult: text('expected_result'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [
    uniqueIndex('supervision_matters_code_idx').on(t.code),
    index('supervision_matters_department_idx').on(t.departmentId, t.code),
    check('supervision_matters_level', sql`${t.level} in ('province', 'city', 'county', 'township')`),
  ],
);

/** An item tied to a matter (at most one): a verification item by its rule or signal, an appeal by its dispatch. */
export const itemMatters = pgTable(
  'item_matters',
  {
    itemId: uuid('item_id').primaryKey(),
    matterId: uuid('matter_id')
      .notNull()
      .references(() => supervisionMatters.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('item_matters_matter_idx').on(t.matterId)],
);

export type MatterRow = typeof supervisionMatters.$inferSelect;
