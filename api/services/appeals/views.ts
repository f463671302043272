/** Appeals as each reader may see them: the citizen's phone masked for all but those who must call. */
import { and, desc, eq } from 'drizzle-orm';
import { findAppeal, listAppeals } from '../../../db/queries/appeals';
import { findItem } from '../../../db/queries/items';
import type { Executor } from '../../../db/client';
import type { AppealRow } from '../../../db/schema/appeals';
import { tasks } from '../../../db/schema/items';
import { phoneFor } from '../../../domain/appeals';
import { canReadDepartment, type SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { pageWindow } from '../../schemas/pagination';
import type { AppealListQuery } from '../../schemas/appeals';

type Deps = Pick<ApiDeps, 'database'>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function appealToWire(row: AppealRow, viewer: SessionUser, handlingDepartmentIds: readonly string[]) {
  return {
    id: row.id,
    code: row.code,
    queryCode: row.queryCode,
    channel: row.channel,
    title: row.title,
    text: row.text,
    citizenName: row.citizenName,
    phone: phoneFor(viewer, row.phone, handlingDepartmentIds),
    place: row.place,
    attachmentIds: row.attachmentIds,
    status: row.stage,
    createdAt: row.createdAt.toISOString(),
    departmentId: row.departmentId,
    leadTaskId: row.leadTaskId,
    dispatchedAt: iso(row.dispatchedAt),
    returnCount: row.returnCount,
    reopenCount: row.reopenCount,
    reply: row.replyText && row.repliedAt ? { text: row.replyText, contactMethod: row.contactMethod, contactedAt: iso(row.contactedAt), repliedAt: row.repliedAt.toISOString() } : null,
    visitDueAt: iso(row.visitDueAt),
    visit: row.visitResult && row.visitedAt ? { result: row.visitResult, comment: row.visitComment, visitedAt: row.visitedAt.toISOString() } : null,
    closedAt: iso(row.closedAt),
    matterId: row.matterId,
  };
}

/** The departments with a task on the appeal's item (none before dispatch). */
async function handlingDepartments(deps: Deps, appealId: string): Promise<string[]> {
  const item = await findItem(deps.database.db, appealId);
  return item?.departmentIds ?? [];
}

/** One appeal; a department reads only an appeal it handles (another's answers 404). */
export async function readAppeal(deps: Deps, user: SessionUser, id: string) {
  const row = await findAppeal(deps.database.db, id);
  const departments = row ? await handlingDepartments(deps, id) : [];
  if (!row || !(user.role === 'operator' || departments.some((d) => canReadDepartment(user, d)) || canReadDepartment(user, null))) {
    throw new AppError('not_found', 'No such appeal.');
  }
  return appealToWire(row, user, departments);
}

export async function listAppealsPage(deps: Deps, user: SessionUser, query: AppealListQuery) {
  const visitDueBefore = query.visitDueWithinHours === undefined ? undefined : new Date(Date.now() + query.visitDueWithinHours * 3_600_000);
  const stages = query.visitDueWithinHours !== undefined ? (['replied'] as const) : query.status ? [query.status] : undefined;
  const { rows, total } = await listAppeals(deps.database.db, { stages, visitDueBefore }, pageWindow(query));
  // Only operators and handling departments see a number; the list's readers (not departments) need no lookup.
  return { items: rows.map((r) => appealToWire(r, user, [])), total, page: query.page, pageSize: query.pageSize };
}

/** The appeal's current lead task: the latest one given the role `lead` (a re-dispatch opens a new one). */
export async function findLeadTask(db: Executor, appealId: string) {
  const [row] = await db
    .select({ id: tasks.id, departmentId: tasks.departmentId, status: tasks.status })
    .from(tasks)
    .where(and(eq(tasks.itemId, appealId), eq(tasks.role, 'lead')))
    .orderBy(desc(tasks.startedAt))
    .limit(1);
  return row;
}
