import { bigserial, integer, pgTable, text, timestamp, uuid, index } from 'drizzle-orm/pg-core';

/**
 * The append-only log of every write and every audit read. The database refuses UPDATE, DELETE
 * and TRUNCATE (migration `audit_log_append_only`); each row's `hash` is sha256(prevHash +
 * canonical content), so editing or removing a row with the triggers disabled breaks the chain.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    actorId: uuid('actor_id'),
    actorUsername: text('actor_username'),
    actorRole: text('actor_role'),
    actorDepartmentId: uuid('actor_department_id'),
    /** `METHOD /route/:pattern`, e.g. `POST /api/tasks/:id/sign`. */
    action: text('action').notNull(),
    /** The concrete path requested (without the query string). */
    path: text('path').notNull(),
    targetId: text('target_id'),
    status: integer('status').notNull(),
    requestId: text('request_id').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_actor_idx').on(t.actorId, t.id),
    index('audit_log_action_idx').on(t.action, t.id),
    index('audit_log_target_idx').on(t.targetId, t.id),
    index('audit_log_at_idx').on(t.at),
  ],
);
