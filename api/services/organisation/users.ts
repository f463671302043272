/** Managing accounts (admin only). Passwords are argon2-hashed; the hash never leaves the database. */
import { deleteUserSessions } from '../../../db/queries/sessions';
import { findDepartment } from '../../../db/queries/departments';
import { findPublicUser, findUserForLogin, insertUser, listUsers, updateUser, type UserFilter } from '../../../db/queries/users';
import type { Executor } from '../../../db/client';
import type { Role } from '../../../db/schema/org';
import { normalPhone } from '../../../domain/appeals';
import { staffPhoneFor } from '../../../domain/phones';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError, ruleRefusal } from '../../errors';
import { pageWindow, type PageQuery } from '../../schemas/pagination';
import { hashPassword } from '../auth/passwords';

export interface NewUserInput {
  username: string;
  displayName: string;
  role: Role;
  departmentId?: string | null;
  password: string;
  phone?: string | null | undefined;
}

export interface UserChanges {
  phone?: string | null;
  displayName?: string;
  role?: Role;
  departmentId?: string | null;
  /** An admin-set password must be changed by its user at the next login. */
  password?: string;
  disabled?: boolean;
}

type PublicUser = NonNullable<Awaited<ReturnType<typeof findPublicUser>>>;

function toWire(row: PublicUser) {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** Department staff must belong to a department; the department must exist. */
async function checkPlacement(db: Executor, role: Role, departmentId: string | null) {
  if (role === 'department' && !departmentId)
    throw ruleRefusal('body.departmentId', 'department staff need a department', '承办单位人员须属于一个单位');
  if (departmentId && !(await findDepartment(db, departmentId))) throw ruleRefusal('body.departmentId', 'no such department', '没有这个单位');
}

export async function listUsersPage(deps: Pick<ApiDeps, 'database'>, query: PageQuery & UserFilter) {
  const { rows, total } = await listUsers(deps.database.db, query, pageWindow(query));
  return { items: rows.map(toWire), total, page: query.page, pageSize: query.pageSize };
}

/** Every active leader, by name: an office has few enough for one answer (the picker needs them all). */
export async function listLeaders(deps: Pick<ApiDeps, 'database'>, viewer: { role: string }) {
  const { rows } = await listUsers(deps.database.db, { role: 'leader' }, { limit: 100_000, offset: 0 });
  return {
    items: rows.filter((row) => !row.disabled).map((row) => ({ id: row.id, displayName: row.displayName, phone: staffPhoneFor(viewer, row.phone) })),
  };
}

export async function createUser(deps: Pick<ApiDeps, 'database'>, input: NewUserInput) {
  const passwordHash = await hashPassword(input.password);
  return deps.database.db.transaction(async (tx) => {
    if (await findUserForLogin(tx, input.username))
      throw fieldError('conflict', 'body.username', 'already taken', '用户名已被占用', 'This username is taken.');
    await checkPlacement(tx, input.role, input.departmentId ?? null);
    const row = await insertUser(tx, {
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      departmentId: input.departmentId ?? null,
      phone: input.phone ? normalPhone(input.phone) : null,
      passwordHash,
      mustChangePassword: true,
    });
    return toWire(row);
  });
}

export async function changeUser(deps: Pick<ApiDeps, 'database'>, id: string, changes: UserChanges, by: { id: string }) {
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  return deps.database.db.transaction(async (tx) => {
    const current = await findPublicUser(tx, id);
    if (!current) throw new AppError('not_found', 'No such user.');
    if (id === by.id && (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'))) {
      throw ruleRefusal(changes.disabled ? 'body.disabled' : 'body.role', 'admins cannot lock themselves out', '管理员不能把自己锁在外面');
    }
    const role = changes.role ?? current.role;
    const departmentId = changes.departmentId === undefined ? current.departmentId : changes.departmentId;
    await checkPlacement(tx, role, departmentId);
    const row = await updateUser(tx, id, {
      displayName: changes.displayName,
      role: changes.role,
      departmentId: changes.departmentId,
      disabled: changes.disabled,
      phone: changes.phone === undefined ? undefined : changes.phone && normalPhone(changes.phone),
      ...(passwordHash ? { passwordHash, mustChangePassword: true } : {}),
    });
    // A new password, a new role or a lock ends the user's sessions: they log in again under the new terms.
    if (passwordHash || changes.disabled || (changes.role && changes.role !== current.role)) await deleteUserSessions(tx, id);
    return toWire(row!);
  });
}
