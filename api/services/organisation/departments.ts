/** Managing the organisation's departments (admin), reading them (everyone). */
import {
  departmentAncestry,
  findDepartment,
  findDepartmentByName,
  insertDepartment,
  listDepartments,
  updateDepartment,
} from '../../../db/queries/departments';
import { findUserById } from '../../../db/queries/users';
import type { Executor } from '../../../db/client';
import type { departments } from '../../../db/schema/org';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError, ruleRefusal } from '../../errors';
import { pageWindow, type PageQuery } from '../../schemas/pagination';

type Row = typeof departments.$inferSelect;

export interface DepartmentInput {
  name: string;
  nameEn?: string | null;
  parentId?: string | null;
  leaderUserId?: string | null;
}

function toWire(row: Row) {
  return {
    id: row.id,
    name: row.name,
    nameEn: row.nameEn,
    parentId: row.parentId,
    leaderUserId: row.leaderUserId,
    createdAt: row.createdAt.toISOString(),
  };
}
export type DepartmentWire = ReturnType<typeof toWire>;

async function checkReferences(db: Executor, input: Partial<DepartmentInput>, selfId: string | null) {
  if (input.parentId) {
    if (!(await findDepartment(db, input.parentId))) throw ruleRefusal('body.parentId', 'no such department', '没有这个单位');
    if (selfId && (await departmentAncestry(db, input.parentId)).includes(selfId)) {
      throw ruleRefusal(
        'body.parentId',
        'a department cannot sit under itself or its own sub-department',
        '单位不能隶属于自己或自己的下级单位',
      );
    }
  }
  if (input.leaderUserId && !(await findUserById(db, input.leaderUserId)))
    throw ruleRefusal('body.leaderUserId', 'no such user', '没有这个用户');
  if (input.name) {
    const clash = await findDepartmentByName(db, input.name);
    if (clash && clash.id !== selfId)
      throw fieldError('conflict', 'body.name', 'already taken', '已有同名单位', 'A department with this name exists.');
  }
}

export async function listDepartmentsPage(deps: Pick<ApiDeps, 'database'>, query: PageQuery & { q?: string }) {
  const { rows, total } = await listDepartments(deps.database.db, { q: query.q }, pageWindow(query));
  return { items: rows.map(toWire), total, page: query.page, pageSize: query.pageSize };
}

export async function createDepartment(deps: Pick<ApiDeps, 'database'>, input: DepartmentInput): Promise<DepartmentWire> {
  return deps.database.db.transaction(async (tx) => {
    await checkReferences(tx, input, null);
    return toWire(await insertDepartment(tx, input));
  });
}

export async function changeDepartment(
  deps: Pick<ApiDeps, 'database'>,
  id: string,
  input: Partial<DepartmentInput>,
): Promise<DepartmentWire> {
  return deps.database.db.transaction(async (tx) => {
    if (!(await findDepartment(tx, id))) throw new AppError('not_found', 'No such department.');
    await checkReferences(tx, input, id);
    return toWire((await updateDepartment(tx, id, input))!);
  });
}
