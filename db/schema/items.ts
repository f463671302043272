// The read model of supervision items: rows projected from the workflows by activities, never
// written by the API. Every row carries the workflow's version; a projection only moves forward.
import { sql } from 'drizzle-orm';
import type { LightReason } from '../../domain/types';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const items = pgTable(
  'items',
  {
    id: uuid('id').primaryKey(),
    code: text('code').notNull().unique(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    source: text('source').notNull().default(''),
    status: text('status').notNull(),
    light: text('light').notNull(),
    /** User id of the issuing leader. */
    issuedBy: uuid('issued_by').notNull(),
    dueAt: at('due_at').notNull(),
    public: boolean('public').notNull().default(false),
    createdAt: at('created_at').notNull(),
    /** When the workflow started (createdAt is the launch request). */
    launchedAt: at('launched_at').notNull(),
    completedAt: at('completed_at'),
    cancelledAt: at('cancelled_at'),
    archivedAt: at('archived_at'),
    redEver: boolean('red_ever').notNull().default(false),
    // The item's light is its open tasks': `light` the worst of their stored lights, `yellowAt` and
    // `redAt` the earliest of their schedules, kept by the tasks' trigger (migration 0020), never by
    // the item workflow. Read it through effectiveLightSql (db/queries/lights.ts), never as stored.
    yellowAt: at('yellow_at'),
    redAt: at('red_at'),
    /** Department ids of every task (for "items of my department" without a join). */
    departmentIds: uuid('department_ids').array().notNull().default(sql`'{}'::uuid[]`),
    workflowId: text('workflow_id').notNull(),
    version: integer('version').notNull(),
    projectedAt: at('projected_at').notNull().defaultNow(),
  },
  (t) => [
    index('items_status_idx').on(t.status),
    index('items_light_idx').on(t.light),
    index('items_yellow_pending_idx').on(t.yellowAt).where(sql`${t.light} = 'green' and ${t.yellowAt} is not null`),
    index('items_red_pending_idx').on(t.redAt).where(sql`${t.light} <> 'red' and ${t.redAt} is not null`),
    index('items_kind_idx').on(t.kind),
    index('items_issued_by_idx').on(t.issuedBy),
    index('items_due_at_idx').on(t.dueAt),
    index('items_created_at_idx').on(t.createdAt),
    // The public list's order and count (0035).
    index('items_public_created_idx').on(t.createdAt.desc(), t.id.desc()).where(sql`${t.public}`),
    index('items_department_ids_idx').using('gin', t.departmentIds),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id').notNull(),
    departmentId: uuid('department_id').notNull(),
    role: text('role').notNull(),
    status: text('status').notNull(),
    light: text('light').notNull(),
    lightReasonCode: text('light_reason_code').notNull(),
    lightReasonEn: text('light_reason_en').notNull(),
    lightReasonZh: text('light_reason_zh').notNull(),
    // The light schedule (domain lightSchedule): from when the state is yellow-or-worse and red unless
    // something happens, with the reasons the timers will record. Null when closed (frozen) or never.
    // The stored light lags them until a timer's projection lands: read through effectiveLight.
    yellowAt: at('yellow_at'),
    yellowReason: jsonb('yellow_reason').$type<LightReason>(),
    redAt: at('red_at'),
    redReason: jsonb('red_reason').$type<LightReason>(),
    signDueAt: at('sign_due_at').notNull(),
    warnAt: at('warn_at').notNull(),
    dueAt: at('due_at').notNull(),
    originalDueAt: at('original_due_at').notNull(),
    outcome: text('outcome'),
    redEver: boolean('red_ever').notNull().default(false),
    postponed: boolean('postponed').notNull().default(false),
    lastReportAt: at('last_report_at'),
    percent: integer('percent'),
    urgeCount: integer('urge_count').notNull().default(0),
    returnCount: integer('return_count').notNull().default(0),
    /** The named person handling the task (承办人), when one is named. */
    assigneeUserId: uuid('assignee_user_id'),
    assigneeName: text('assignee_name'),
    startedAt: at('started_at').notNull(),
    signedAt: at('signed_at'),
    submittedAt: at('submitted_at'),
    acceptedAt: at('accepted_at'),
    closedAt: at('closed_at'),
    transferredTo: uuid('transferred_to'),
    /** The task this one was opened from by a transfer. */
    transferredFrom: uuid('transferred_from'),
    /** Due date given as N working days: recomputed when the calendar changes. */
    workingDays: integer('working_days'),
    /** Pending requests awaiting a supervisor, as the API shows them. */
    pendingExtension: jsonb('pending_extension'),
    pendingTransfer: jsonb('pending_transfer'),
    workflowId: text('workflow_id').notNull(),
    version: integer('version').notNull(),
    projectedAt: at('projected_at').notNull().defaultNow(),
    // The item's kind, issuer and launch time, copied by a trigger when the row is inserted (they never
    // change), so the standing book counts tasks without joining items (migration 0009_task_item_facts);
    // 0010_standing_book_index covers them for index-only counting. Migration 0012 keeps a monthly
    // roll-up of every figure by trigger (standing_book_months + _deltas, raw SQL only), by launch,
    // due and completion month since 0016 (which also covers due_at and accepted_at for the edges).
    itemKind: text('item_kind'),
    itemIssuedBy: uuid('item_issued_by'),
    itemLaunchedAt: at('item_launched_at'),
    // The item's `public` flag, copied the same way and following the item when it changes (0035):
    // GET /public/stats counts the public items' tasks through a partial covering index of its own.
    itemPublic: boolean('item_public').notNull().default(false),
  },
  (t) => [
    index('tasks_item_idx').on(t.itemId),
    index('tasks_item_launched_idx').on(t.itemLaunchedAt),
    index('tasks_department_status_idx').on(t.departmentId, t.status),
    index('tasks_status_idx').on(t.status),
    index('tasks_light_idx').on(t.light),
    // The open tasks whose yellow / red instant has passed but whose timer has not landed: a range
    // scan up to now touches only those (the count roll-ups' adjustment, db/queries/lights.ts).
    index('tasks_yellow_pending_idx').on(t.yellowAt).where(sql`${t.light} = 'green' and ${t.yellowAt} is not null`),
    index('tasks_red_pending_idx').on(t.redAt).where(sql`${t.light} <> 'red' and ${t.redAt} is not null`),
    index('tasks_due_at_idx').on(t.dueAt),
    index('tasks_working_days_idx')
      .on(t.workingDays)
      .where(sql`${t.workingDays} is not null and ${t.closedAt} is null`),
  ],
);

/**
 * The timeline: one row per recorded event of an item or a task, with actor and reason in plain
 * words. `stream` is the emitting workflow id; (stream, seq) is unique, so a replayed or retried
 * projection never duplicates an entry.
 */
export const itemEvents = pgTable(
  'item_events',
  {
    id: text('id').primaryKey(),
    itemId: uuid('item_id').notNull(),
    taskId: uuid('task_id'),
    stream: text('stream').notNull(),
    seq: integer('seq').notNull(),
    /** The task's (or item's) state version right after the event. */
    version: integer('version').notNull(),
    type: text('type').notNull(),
    actorUserId: text('actor_user_id').notNull(),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    actorDepartmentId: text('actor_department_id'),
    reasonCode: text('reason_code'),
    reasonEn: text('reason_en'),
    reasonZh: text('reason_zh'),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    at: at('at').notNull(),
  },
  (t) => [
    uniqueIndex('item_events_stream_seq_idx').on(t.stream, t.seq),
    index('item_events_item_at_idx').on(t.itemId, t.at),
    index('item_events_task_idx').on(t.taskId),
  ],
);

export type ItemRow = typeof items.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type ItemEventRow = typeof itemEvents.$inferSelect;
