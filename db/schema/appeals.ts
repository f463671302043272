// Citizens' appeals (诉求): what the citizen said and the hotline loop's own facts around the
// department's task. Written by the API's appeal services (api/services/appeals); the task's own
// truth (signing, the reply as its completion report, the visit as its review) is in Temporal and
// the `tasks` read model like every other kind's.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { supervisionMatters } from './matters';
import type { AppealChannel, AppealStage, ContactMethod, VisitResult } from '../../domain/appeals';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const appeals = pgTable(
  'appeals',
  {
    /** Also the id of its item once dispatched. */
    id: uuid('id').primaryKey(),
    code: text('code').notNull().unique(),
    queryCode: text('query_code').notNull().unique(),
    channel: text('channel').$type<AppealChannel>().notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    citizenName: text('citizen_name'),
    phone: text('phone').notNull(),
    place: text('place'),
    attachmentIds: uuid('attachment_ids').array().notNull().default(sql`'{}'::uuid[]`),
    stage: text('stage').$type<AppealStage>().notNull(),
    /** The operator who registered it; null when a citizen submitted it. */
    registeredBy: uuid('registered_by'),
    createdAt: at('created_at').notNull().defaultNow(),
    /** The lead department of the latest dispatch, and its task. */
    departmentId: uuid('department_id'),
    leadTaskId: uuid('lead_task_id'),
    dispatchedAt: at('dispatched_at'),
    lastDispatchedAt: at('last_dispatched_at'),
    dispatchedBy: uuid('dispatched_by'),
    returnCount: integer('return_count').notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    replyText: text('reply_text'),
    repliedAt: at('replied_at'),
    contactMethod: text('contact_method').$type<ContactMethod>(),
    contactedAt: at('contacted_at'),
    /** The first contact came within the template's window from its dispatch (24 h by default). */
    contactedInWindow: boolean('contacted_in_window'),
    visitDueAt: at('visit_due_at'),
    visitResult: text('visit_result').$type<VisitResult>(),
    visitComment: text('visit_comment'),
    visitedAt: at('visited_at'),
    closedAt: at('closed_at'),
    /** The supervision matter it concerns (optional; its item is tied to it at dispatch). */
    matterId: uuid('matter_id').references(() => supervisionMatters.id, { onDelete: 'set null' }),
    /** Posted by an outside system (POST /api/intake/appeals): its service account's source and its own id, once each. */
    source: text('source'),
    externalId: text('external_id'),
  },
  (t) => [
    index('appeals_stage_idx').on(t.stage, t.createdAt), index('appeals_department_idx').on(t.departmentId, t.dispatchedAt), index('appeals_lead_task_idx').on(t.leadTaskId),
    uniqueIndex('appeals_external_idx').on(t.source, t.externalId).where(sql`${t.externalId} is not null`),
  ],
);

/** Each return (退单) of an appeal by a department, counted against that department. */
export const appealReturns = pgTable(
  'appeal_returns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appealId: uuid('appeal_id').notNull(),
    taskId: uuid('task_id').notNull(),
    departmentId: uuid('department_id').notNull(),
    reason: text('reason').notNull(),
    returnedBy: uuid('returned_by').notNull(),
    returnedAt: at('returned_at').notNull().defaultNow(),
  },
  (t) => [index('appeal_returns_department_idx').on(t.departmentId, t.returnedAt), index('appeal_returns_appeal_idx').on(t.appealId)],
);

export type AppealRow = typeof appeals.$inferSelect;
