// The admin's catalogue of supervision matters (监管事项清单): list, create, change, delete; and the one
// check every other module uses when a body names a matter (appeals, intake rules).
import { isUniqueViolation } from '../../../db/client';
import { existingDepartmentIds } from '../../../db/queries/items';
import { deleteMatter, findMatter, insertMatter, itemsOfMatter, listMatters, updateMatter, type MatterRow } from '../../../db/queries/matters';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError, ruleRefusal } from '../../errors';
import type { MatterBody, MatterListQuery, MatterPatch, MatterWire } from '../../schemas/matters';
import { pageWindow } from '../../schemas/pagination';
import { parseDepartmentIds } from '../dashboard/standing-book';

type Deps = Pick<ApiDeps, 'database'>;

function toWire(row: { matter: MatterRow; departmentName: string | null; departmentNameEn: string | null }): MatterWire {
  const m = row.matter;
  return {
    id: m.id,
    code: m.code,
    name: m.name,
    departmentId: m.departmentId,
    departmentName: row.departmentName,
    departmentNameEn: row.departmentNameEn,
    level: m.level,
    object: m.object,
    legalBasis: m.legalBasis,
    process: m.process,
    expectedResult: m.expectedResult,
    updatedAt: m.updatedAt.toISOString(),
  };
}

export async function listMatterPage(deps: Deps, query: MatterListQuery) {
  const { rows, total } = await listMatters(deps.database.db, { departmentIds: parseDepartmentIds(query.departmentId), q: query.q || undefined, ...pageWindow(query) });
  return { items: rows.map(toWire), total, page: query.page, pageSize: query.pageSize };
}

export async function getMatter(deps: Deps, id: string): Promise<MatterWire> {
  const row = await findMatter(deps.database.db, id);
  if (!row) throw new AppError('not_found', 'No such supervision matter.');
  return toWire(row);
}

async function checkDepartment(deps: Deps, departmentId: string | undefined) {
  if (departmentId === undefined) return;
  if (!(await existingDepartmentIds(deps.database.db, [departmentId])).has(departmentId)) throw ruleRefusal('body.departmentId', 'no such department', '没有这个单位');
}

const codeTaken = () => fieldError('conflict', 'body.code', 'another matter has this code', '已有事项使用该编码');

const facts = (body: MatterPatch) => ({
  ...body,
  ...(body.object !== undefined ? { object: body.object || null } : {}),
  ...(body.legalBasis !== undefined ? { legalBasis: body.legalBasis || null } : {}),
  ...(body.process !== undefined ? { process: body.process || null } : {}),
  ...(body.expectedResult !== undefined ? { expectedResult: body.expectedResult || null } : {}),
});

export async function createMatter(deps: Deps, user: SessionUser, body: MatterBody): Promise<MatterWire> {
  await checkDepartment(deps, body.departmentId);
  const f = facts(body);
  const row = await insertMatter(deps.database.db, {
    code: body.code,
    name: body.name,
    departmentId: body.departmentId,
    level: body.level,
    object: f.object ?? null,
    legalBasis: f.legalBasis ?? null,
    process: f.process ?? null,
    expectedResult: f.expectedResult ?? null,
    updatedBy: user.id,
  });
  if (!row) throw codeTaken();
  return getMatter(deps, row.id);
}

export async function changeMatter(deps: Deps, user: SessionUser, id: string, body: MatterPatch): Promise<MatterWire> {
  if (Object.keys(body).length === 0) throw ruleRefusal('body', 'name at least one field to change', '请至少修改一项');
  await checkDepartment(deps, body.departmentId);
  try {
    const row = await updateMatter(deps.database.db, id, { ...facts(body), updatedBy: user.id });
    if (!row) throw new AppError('not_found', 'No such supervision matter.');
  } catch (error) {
    if (isUniqueViolation(error)) throw codeTaken();
    throw error;
  }
  return getMatter(deps, id);
}

/** A matter items are tied to stays (the standing book counts them): 409. */
export async function removeMatter(deps: Deps, id: string): Promise<void> {
  const db = deps.database.db;
  const tied = await itemsOfMatter(db, id);
  if (tied > 0) throw fieldError('conflict', 'params.id', `${tied} item(s) are tied to this matter`, `已有 ${tied} 个事项关联该监管事项，不能删除`);
  if (!(await deleteMatter(db, id))) throw new AppError('not_found', 'No such supervision matter.');
}

/**
 * The matter a body names, or a 400 naming the field when it does not exist. Used by appeals and
 * intake rules; returns its responsible department.
 */
export async function matterNamed(deps: Deps, matterId: string, field: string): Promise<MatterRow> {
  const row = await findMatter(deps.database.db, matterId);
  if (!row) throw fieldError('validation_failed', field, 'no such supervision matter', '没有这个监管事项');
  return row.matter;
}
