import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const roles = ['admin', 'supervisor', 'leader', 'department', 'auditor', 'operator'] as const;
export type Role = (typeof roles)[number];

export const departments = pgTable('departments', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  nameEn: text('name_en'),
  parentId: uuid('parent_id'),
  /** The department's responsible leader (分管领导), notified on yellow lights. */
  leaderUserId: uuid('leader_user_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    /** Mobile for SMS notifications; masked in lists for all but the roles that must call (domain/phones.ts). */
    phone: text('phone'),
    role: text('role', { enum: roles }).notNull(),
    departmentId: uuid('department_id').references(() => departments.id),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_department_idx').on(t.departmentId)],
);
