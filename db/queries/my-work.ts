// "What needs me now" (GET /api/me/work): open tasks and items by what is waiting on them, each list
// short and ordered by urgency. Reads the read model only.
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { items, tasks } from '../schema/items';
import { departments } from '../schema/org';
import { effectiveLightSql } from './lights';

// Lights as of reading (issue 16), never as stored: now() is the statement's moment.
const taskLight = effectiveLightSql({ light: tasks.light, yellowAt: tasks.yellowAt, redAt: tasks.redAt }, sql`now()`);
const itemLight = effectiveLightSql({ light: items.light, yellowAt: items.yellowAt, redAt: items.redAt }, sql`now()`);

export interface WorkTaskRow {
  taskId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  itemKind: string;
  departmentId: string;
  departmentName: string;
  status: string;
  light: string;
  dueAt: Date;
  signDueAt: Date;
  /** The last report, else signing, else the start: where the report window counts from. */
  reportedSince: Date;
}

export interface WorkItemRow {
  itemId: string;
  code: string;
  title: string;
  light: string;
  dueAt: Date;
}

/** Entries per list: a home page, not a report. */
export const WORK_LIST_LIMIT = 50;

const OPEN_ITEM = inArray(items.status, ['launched', 'in_progress']);

export async function workTasks(db: Executor, where: SQL, order: 'signDueAt' | 'dueAt' = 'dueAt'): Promise<WorkTaskRow[]> {
  return db
    .select({
      taskId: tasks.id,
      itemId: tasks.itemId,
      itemCode: items.code,
      itemTitle: items.title,
      itemKind: items.kind,
      departmentId: tasks.departmentId,
      departmentName: departments.name,
      status: tasks.status,
      light: taskLight,
      dueAt: tasks.dueAt,
      signDueAt: tasks.signDueAt,
      reportedSince: sql<Date>`coalesce(${tasks.lastReportAt}, ${tasks.signedAt}, ${tasks.startedAt})`.mapWith(tasks.startedAt),
    })
    .from(tasks)
    .innerJoin(items, eq(items.id, tasks.itemId))
    .innerJoin(departments, eq(departments.id, tasks.departmentId))
    .where(where)
    .orderBy(asc(order === 'signDueAt' ? tasks.signDueAt : tasks.dueAt))
    .limit(WORK_LIST_LIMIT);
}

export const taskWhere = {
  toSign: eq(tasks.status, 'assigned'),
  reportsDue: inArray(tasks.status, ['signed', 'in_progress']),
  reviewsWaiting: eq(tasks.status, 'submitted'),
  extensionRequests: and(isNotNull(tasks.pendingExtension), isNull(tasks.closedAt))!,
  transferRequests: and(isNotNull(tasks.pendingTransfer), isNull(tasks.closedAt))!,
  ofDepartment: (departmentId: string) => eq(tasks.departmentId, departmentId),
};

/** Open items, red first, then by due date; narrowed by `where` (a department's, an issuer's…). */
export async function workItems(db: Executor, where: SQL): Promise<WorkItemRow[]> {
  return db
    .select({ itemId: items.id, code: items.code, title: items.title, light: itemLight, dueAt: items.dueAt })
    .from(items)
    .where(and(OPEN_ITEM, where))
    .orderBy(desc(sql`${itemLight} = 'red'`), asc(items.dueAt))
    .limit(WORK_LIST_LIMIT);
}

export const itemWhere = {
  red: sql`${itemLight} = 'red'`,
  issuedBy: (userId: string) => eq(items.issuedBy, userId),
  /** Items with a red open task of this department (its own part of the item is what is late). */
  redForDepartment: (departmentId: string) =>
    sql`exists (select 1 from ${tasks} where ${tasks.itemId} = ${items.id} and ${tasks.departmentId} = ${departmentId} and ${taskLight} = 'red' and ${tasks.closedAt} is null)`,
};
