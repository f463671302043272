import { and, asc, count, eq, ilike, ne, or, type SQL } from 'drizzle-orm';
import { AUTO_DISPATCH_USER } from '../../domain/auto-dispatch';
import type { Executor } from '../client';
import { users, type Role } from '../schema/org';

/** Who a signed-in user is: what every authenticated request needs of them. */
export const sessionUserColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  departmentId: users.departmentId,
  mustChangePassword: users.mustChangePassword,
};

/** Every column except the password hash: what the API may show. */
export const publicUserColumns = {
  ...sessionUserColumns,
  phone: users.phone,
  disabled: users.disabled,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export async function findUserForLogin(db: Executor, username: string) {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function findUserById(db: Executor, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserPhone(db: Executor, id: string): Promise<string | null> {
  const [row] = await db.select({ phone: users.phone }).from(users).where(eq(users.id, id));
  return row?.phone ?? null;
}

/** A user an admin may see and change: never the auto-dispatch system user (it must stay unable to sign in). */
export async function findPublicUser(db: Executor, id: string) {
  const [row] = await db
    .select(publicUserColumns)
    .from(users)
    .where(and(eq(users.id, id), ne(users.id, AUTO_DISPATCH_USER.id)));
  return row;
}

export interface UserFilter {
  role?: Role;
  departmentId?: string;
  q?: string;
}

export async function listUsers(db: Executor, filter: UserFilter, page: { limit: number; offset: number }) {
  // The auto-dispatch system user is nobody's to see or enable.
  const conditions: SQL[] = [ne(users.id, AUTO_DISPATCH_USER.id)];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.departmentId) conditions.push(eq(users.departmentId, filter.departmentId));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(users.username, pattern), ilike(users.displayName, pattern))!);
  }
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    db.select(publicUserColumns).from(users).where(where).orderBy(asc(users.username)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function insertUser(db: Executor, values: typeof users.$inferInsert) {
  const [row] = await db.insert(users).values(values).returning(publicUserColumns);
  return row!;
}

export async function updateUser(db: Executor, id: string, values: Partial<typeof users.$inferInsert>) {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning(publicUserColumns);
  return row;
}
