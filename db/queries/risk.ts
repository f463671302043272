import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { itemEvents, items, tasks } from '../schema/items';
import { riskModels, type RiskModelStatus } from '../schema/risk';

/** The events a task's risk is read from. */
const RISK_EVENTS = ['progress', 'urge', 'sign', 'light_changed'];

export interface TaskEventsForRisk {
  reports: Array<{ at: number; percent: number | null }>;
  urges: number[];
  signedAt: number | null;
  redAt: number | null;
}

/** Per task: its progress reports, urges, signing and first red, in time order. */
export async function riskEventsOf(db: Executor, taskIds: readonly string[]): Promise<Map<string, TaskEventsForRisk>> {
  const byTask = new Map<string, TaskEventsForRisk>(taskIds.map((id) => [id, { reports: [], urges: [], signedAt: null, redAt: null }]));
  for (let i = 0; i < taskIds.length; i += 2000) {
    const rows = await db
      .select({ taskId: itemEvents.taskId, type: itemEvents.type, at: itemEvents.at, payload: itemEvents.payload })
      .from(itemEvents)
      .where(and(inArray(itemEvents.taskId, taskIds.slice(i, i + 2000)), inArray(itemEvents.type, RISK_EVENTS)))
      .orderBy(itemEvents.at);
    for (const row of rows) {
      const story = byTask.get(row.taskId!)!;
      const at = row.at.getTime();
      const payload = row.payload as Record<string, unknown>;
      if (row.type === 'progress') story.reports.push({ at, percent: typeof payload.percent === 'number' ? payload.percent : null });
      else if (row.type === 'urge') story.urges.push(at);
      else if (row.type === 'sign') story.signedAt ??= at;
      else if (payload.to === 'red') story.redAt ??= at;
    }
  }
  return byTask;
}

const storyColumns = {
  id: tasks.id,
  departmentId: tasks.departmentId,
  kind: sql<string>`coalesce(${tasks.itemKind}, ${items.kind})`,
  startedAt: tasks.startedAt,
  dueAt: tasks.dueAt,
  closedAt: tasks.closedAt,
  redEver: tasks.redEver,
};

/** Every accepted (completed) task: what risk is learnt from. Transferred and cancelled ones tell nothing of an ending. */
export async function closedTaskRows(db: Executor) {
  return db.select(storyColumns).from(tasks).innerJoin(items, eq(items.id, tasks.itemId)).where(eq(tasks.status, 'accepted'));
}

/** Open tasks by id, for scoring. */
export async function openTaskRows(db: Executor, taskIds: readonly string[]) {
  if (!taskIds.length) return [];
  return db
    .select({ ...storyColumns, status: tasks.status, light: tasks.light, redAt: tasks.redAt })
    .from(tasks)
    .innerJoin(items, eq(items.id, tasks.itemId))
    .where(and(inArray(tasks.id, taskIds), sql`${tasks.closedAt} is null`));
}

/** The department × kind record of accepted tasks (closed, red) for the given departments, and the platform's. */
export async function departmentRecords(db: Executor, departmentIds: readonly string[]) {
  const kind = sql<string>`coalesce(${tasks.itemKind}, ${items.kind})`;
  const rows = departmentIds.length
    ? await db
        .select({ departmentId: tasks.departmentId, kind, closed: sql<number>`count(*)::int`, red: sql<number>`count(*) filter (where ${tasks.redEver})::int` })
        .from(tasks)
        .innerJoin(items, eq(items.id, tasks.itemId))
        .where(and(eq(tasks.status, 'accepted'), inArray(tasks.departmentId, departmentIds)))
        .groupBy(tasks.departmentId, kind)
    : [];
  const [all] = await db.select({ closed: sql<number>`count(*)::int`, red: sql<number>`count(*) filter (where ${tasks.redEver})::int` }).from(tasks).where(eq(tasks.status, 'accepted'));
  return { rows, all: all ?? { closed: 0, red: 0 } };
}

export async function insertRiskRun(db: Executor, requestedBy: string | null): Promise<number> {
  const [row] = await db.insert(riskModels).values({ status: 'training', requestedBy }).returning({ version: riskModels.version });
  return row!.version;
}

export async function finishRiskRun(
  db: Executor,
  version: number,
  values: { status: Exclude<RiskModelStatus, 'training'> } & Partial<Pick<typeof riskModels.$inferInsert, 'closed' | 'red' | 'figures' | 'model' | 'message'>>,
): Promise<void> {
  await db
    .update(riskModels)
    .set({ ...values, finishedAt: new Date() })
    .where(eq(riskModels.version, version));
}

export async function findRiskRun(db: Executor, version: number) {
  const [row] = await db.select().from(riskModels).where(eq(riskModels.version, version));
  return row;
}

/** The newest finished run (ready or not) and the newest ready one. */
export async function latestRiskRuns(db: Executor) {
  const [latest] = await db.select().from(riskModels).where(sql`${riskModels.status} <> 'training'`).orderBy(desc(riskModels.version)).limit(1);
  const [ready] = await db.select().from(riskModels).where(eq(riskModels.status, 'ready')).orderBy(desc(riskModels.version)).limit(1);
  return { latest, ready };
}
