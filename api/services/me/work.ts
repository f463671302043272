/**
 * "What needs me now": per role, the tasks and items waiting on the caller, each with the instant
 * its countdown runs to. A department sees its own tasks only (and the items where its part is red);
 * a supervisor what waits for a decision and the red items; a leader the red items and what they issued.
 */
import { and } from 'drizzle-orm';
import { itemWhere, taskWhere, workItems, workTasks, type WorkItemRow, type WorkTaskRow } from '../../../db/queries/my-work';
import { getTemplate } from '../../../db/queries/templates';
import { parseDuration, type ItemKind } from '../../../domain';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';

type Deps = Pick<ApiDeps, 'database'>;
const iso = (d: Date | number) => new Date(d).toISOString();

function workTask(row: WorkTaskRow, countdownTo: Date | number) {
  return {
    taskId: row.taskId,
    itemId: row.itemId,
    itemCode: row.itemCode,
    itemTitle: row.itemTitle,
    departmentId: row.departmentId,
    departmentName: row.departmentName,
    status: row.status,
    light: row.light,
    dueAt: iso(row.dueAt),
    countdownTo: iso(countdownTo),
  };
}
export type WorkTask = ReturnType<typeof workTask>;

const workItem = (row: WorkItemRow) => ({ itemId: row.itemId, code: row.code, title: row.title, light: row.light, dueAt: iso(row.dueAt) });
export type WorkItem = ReturnType<typeof workItem>;

/**
 * The next progress report is due one report window after the last report (or signing). The window
 * is the kind's template's: a launch that set its own is not in the read model, so the task's due
 * date bounds the countdown either way.
 */
async function reportCountdowns(deps: Deps, rows: WorkTaskRow[]): Promise<WorkTask[]> {
  const kinds = [...new Set(rows.map((r) => r.itemKind))];
  const windows = new Map<string, number | null>();
  for (const kind of kinds) {
    const every = (await getTemplate(deps.database.db, kind as ItemKind)).reportEvery;
    windows.set(kind, every ? parseDuration(every) : null);
  }
  return rows
    .map((r) => {
      const window = windows.get(r.itemKind) ?? null;
      const next = window === null ? r.dueAt.getTime() : Math.min(r.reportedSince.getTime() + window, r.dueAt.getTime());
      return workTask(r, next);
    })
    .sort((a, b) => Date.parse(a.countdownTo) - Date.parse(b.countdownTo));
}

export async function myWork(deps: Deps, user: SessionUser) {
  const db = deps.database.db;
  const byDue = (rows: WorkTaskRow[]) => rows.map((r) => workTask(r, r.dueAt));
  const none: WorkTask[] = [];
  const work = {
    toSign: none,
    reportsDue: none,
    reviewsWaiting: none,
    extensionRequests: none,
    transferRequests: none,
    redItems: [] as WorkItem[],
    issuedItems: [] as WorkItem[],
  };
  if (user.role === 'department') {
    if (!user.departmentId) return work;
    const own = taskWhere.ofDepartment(user.departmentId);
    const [toSign, reports, reviews, extensions, transfers, red] = await Promise.all([
      workTasks(db, and(own, taskWhere.toSign)!, 'signDueAt'),
      workTasks(db, and(own, taskWhere.reportsDue)!),
      workTasks(db, and(own, taskWhere.reviewsWaiting)!),
      workTasks(db, and(own, taskWhere.extensionRequests)!),
      workTasks(db, and(own, taskWhere.transferRequests)!),
      workItems(db, itemWhere.redForDepartment(user.departmentId)),
    ]);
    return {
      ...work,
      toSign: toSign.map((r) => workTask(r, r.signDueAt)),
      reportsDue: await reportCountdowns(deps, reports),
      reviewsWaiting: byDue(reviews),
      extensionRequests: byDue(extensions),
      transferRequests: byDue(transfers),
      redItems: red.map(workItem),
    };
  }
  if (user.role === 'supervisor') {
    const [reviews, extensions, transfers, red] = await Promise.all([
      workTasks(db, taskWhere.reviewsWaiting),
      workTasks(db, taskWhere.extensionRequests),
      workTasks(db, taskWhere.transferRequests),
      workItems(db, itemWhere.red),
    ]);
    return {
      ...work,
      reviewsWaiting: byDue(reviews),
      extensionRequests: byDue(extensions),
      transferRequests: byDue(transfers),
      redItems: red.map(workItem),
    };
  }
  if (user.role === 'leader') {
    const [red, issued] = await Promise.all([workItems(db, itemWhere.red), workItems(db, itemWhere.issuedBy(user.id))]);
    return { ...work, redItems: red.map(workItem), issuedItems: issued.map(workItem) };
  }
  // Auditors and admins decide nothing here; the red items are what they would look at first.
  return { ...work, redItems: (await workItems(db, itemWhere.red)).map(workItem) };
}
