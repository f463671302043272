import { and, desc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { aiAutoDispatch, aiFingerprints, aiHistory, aiModels, aiSuggestions, type AiModelStatus } from '../schema/ai';
import { items, tasks } from '../schema/items';
import { itemMerges } from '../schema/merges';
import { departments } from '../schema/org';

/** Open items: the ones a new text may duplicate. */
const OPEN = ['launched', 'in_progress'];
/** A lead task in these states was taken by its department: it is where the item finally went (a transfer closes the old one as `transferred`). */
const TAKEN = ['signed', 'in_progress', 'submitted', 'accepted'];

/** Every department by its name, English name and id, for matching an import file's `department`. */
export async function departmentLookup(db: Executor): Promise<Map<string, string>> {
  const rows = await db.select({ id: departments.id, name: departments.name, nameEn: departments.nameEn }).from(departments);
  const lookup = new Map<string, string>();
  for (const row of rows) {
    lookup.set(row.id, row.id);
    lookup.set(row.name, row.id);
    if (row.nameEn) lookup.set(row.nameEn, row.id);
  }
  return lookup;
}

export async function insertHistory(db: Executor, rows: Array<typeof aiHistory.$inferInsert>): Promise<void> {
  // Postgres takes at most 65,535 parameters per statement: 1,000 rows of 6 at a time.
  for (let i = 0; i < rows.length; i += 1000) await db.insert(aiHistory).values(rows.slice(i, i + 1000));
}

export interface TrainingRow {
  title: string | null;
  text: string;
  departmentId: string;
}

/** The deployment's history: imported rows, and each item's text with its final lead department. */
export async function trainingRows(db: Executor): Promise<TrainingRow[]> {
  const imported = await db.select({ title: aiHistory.title, text: aiHistory.text, departmentId: aiHistory.departmentId }).from(aiHistory);
  const own = await db
    .select({ title: items.title, text: items.description, departmentId: tasks.departmentId })
    .from(tasks)
    .innerJoin(items, eq(items.id, tasks.itemId))
    .where(and(eq(tasks.role, 'lead'), inArray(tasks.status, TAKEN)));
  return [...imported, ...own];
}

export async function historyCount(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(aiHistory);
  return row?.n ?? 0;
}

export async function insertModelRun(db: Executor, values: { requestedBy: string | null; targetPrecision: number }): Promise<number> {
  const [row] = await db.insert(aiModels).values({ status: 'training', ...values }).returning({ version: aiModels.version });
  return row!.version;
}

export async function setModelProgress(db: Executor, version: number, progress: number): Promise<void> {
  await db.update(aiModels).set({ progress }).where(and(eq(aiModels.version, version), eq(aiModels.status, 'training')));
}

export async function finishModelRun(
  db: Executor,
  version: number,
  values: { status: Exclude<AiModelStatus, 'training'> } & Partial<Pick<typeof aiModels.$inferInsert, 'examples' | 'temperature' | 'threshold' | 'coverage' | 'figures' | 'counts' | 'message'>>,
): Promise<void> {
  await db
    .update(aiModels)
    .set({ ...values, progress: 100, finishedAt: new Date() })
    .where(eq(aiModels.version, version));
}

export async function findModelRun(db: Executor, version: number) {
  const [row] = await db.select().from(aiModels).where(eq(aiModels.version, version));
  return row;
}

/** The version suggestions are served from: the newest ready model. */
export async function servingVersion(db: Executor): Promise<number | null> {
  const [row] = await db.select({ version: sql<number | null>`max(${aiModels.version})` }).from(aiModels).where(eq(aiModels.status, 'ready'));
  return row?.version ?? null;
}

/** Training runs, newest first, without their counts. */
/** A run as admins see it: everything but the learnt counts. */
const runSummary = {
  version: aiModels.version,
  status: aiModels.status,
  progress: aiModels.progress,
  requestedAt: aiModels.requestedAt,
  finishedAt: aiModels.finishedAt,
  examples: aiModels.examples,
  targetPrecision: aiModels.targetPrecision,
  threshold: aiModels.threshold,
  coverage: aiModels.coverage,
  figures: aiModels.figures,
  message: aiModels.message,
};

/** Training runs, newest first. */
export async function listModelRuns(db: Executor, limit = 20) {
  return db.select(runSummary).from(aiModels).orderBy(desc(aiModels.version)).limit(limit);
}

export async function findModelSummary(db: Executor, version: number) {
  const [row] = await db.select(runSummary).from(aiModels).where(eq(aiModels.version, version));
  return row;
}

export async function insertSuggestion(db: Executor, values: typeof aiSuggestions.$inferInsert): Promise<string> {
  const [row] = await db.insert(aiSuggestions).values(values).returning({ id: aiSuggestions.id });
  return row!.id;
}

/** Records the dispatcher's final choice; false when there is no such suggestion of this user. */
export async function recordChoice(db: Executor, id: string, requestedBy: string, values: { departmentId: string; itemId: string | null }): Promise<boolean> {
  const rows = await db
    .update(aiSuggestions)
    .set({ chosenDepartmentId: values.departmentId, itemId: values.itemId, chosenAt: new Date() })
    .where(and(eq(aiSuggestions.id, id), eq(aiSuggestions.requestedBy, requestedBy)))
    .returning({ id: aiSuggestions.id });
  return rows.length > 0;
}

export async function findSuggestion(db: Executor, id: string) {
  const [row] = await db.select().from(aiSuggestions).where(eq(aiSuggestions.id, id));
  return row;
}

/** Per month (Asia/Shanghai): suggestions whose choice is known, and how many had the choice on top or in the top 3. */
export async function suggestionAccuracyByMonth(db: Executor) {
  return db
    .select({
      month: sql<string>`to_char(${aiSuggestions.requestedAt} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')`,
      decided: sql<number>`count(*)::int`,
      top1: sql<number>`count(*) FILTER (WHERE ${aiSuggestions.chosenDepartmentId} = ${aiSuggestions.topDepartmentId})::int`,
      top3: sql<number>`count(*) FILTER (WHERE ${aiSuggestions.suggested} @> jsonb_build_array(jsonb_build_object('departmentId', ${aiSuggestions.chosenDepartmentId}::text)))::int`,
    })
    .from(aiSuggestions)
    .where(sql`${aiSuggestions.chosenDepartmentId} IS NOT NULL`)
    .groupBy(sql`1`)
    .orderBy(sql`1`);
}

export async function autoDispatchSettings(db: Executor) {
  return db.select({ kind: aiAutoDispatch.kind, enabled: aiAutoDispatch.enabled, updatedAt: aiAutoDispatch.updatedAt }).from(aiAutoDispatch);
}

export async function setAutoDispatch(db: Executor, kind: string, enabled: boolean, updatedBy: string): Promise<void> {
  await db
    .insert(aiAutoDispatch)
    .values({ kind, enabled, updatedBy })
    .onConflictDoUpdate({ target: aiAutoDispatch.kind, set: { enabled, updatedBy, updatedAt: new Date() } });
}

/** Open items without a fingerprint yet, oldest first. */
export async function itemsWithoutFingerprint(db: Executor, limit: number) {
  return db
    .select({ id: items.id, title: items.title, description: items.description })
    .from(items)
    .leftJoin(aiFingerprints, eq(aiFingerprints.itemId, items.id))
    .where(and(inArray(items.status, OPEN), isNull(aiFingerprints.itemId)))
    .orderBy(items.createdAt)
    .limit(limit);
}

export async function insertFingerprints(db: Executor, rows: Array<{ itemId: string; minhash: number[] }>): Promise<void> {
  if (rows.length > 0) await db.insert(aiFingerprints).values(rows).onConflictDoNothing();
}

/** The fingerprints of every open item. */
export async function openFingerprints(db: Executor) {
  return db
    .select({ itemId: aiFingerprints.itemId, minhash: aiFingerprints.minhash })
    .from(aiFingerprints)
    .innerJoin(items, eq(items.id, aiFingerprints.itemId))
    .where(inArray(items.status, OPEN));
}

export async function itemHeadlines(db: Executor, ids: string[]) {
  return ids.length === 0 ? [] : db.select({ id: items.id, code: items.code, title: items.title, status: items.status }).from(items).where(inArray(items.id, ids));
}

export async function departmentNames(db: Executor, ids: string[]) {
  return ids.length === 0 ? [] : db.select({ id: departments.id, name: departments.name, nameEn: departments.nameEn }).from(departments).where(inArray(departments.id, ids));
}

export async function autoDispatchEnabled(db: Executor, kind: string): Promise<boolean> {
  const [row] = await db.select({ enabled: aiAutoDispatch.enabled }).from(aiAutoDispatch).where(eq(aiAutoDispatch.kind, kind));
  return row?.enabled ?? false;
}

/** Items launched in a window, newest first, at most `limit`: the material of the hotspots. */
export async function itemsLaunchedBetween(db: Executor, from: Date, to: Date, limit: number) {
  return db
    .select({
      id: items.id,
      code: items.code,
      title: items.title,
      description: items.description,
      /** What the hotspot token cache is keyed by, besides the id. */
      textHash: sql<string>`md5(${items.title} || E'\n' || ${items.description})`,
      createdAt: items.createdAt,
      departmentIds: items.departmentIds,
      /** Duplicates merged into it (a second citizen saying the same thing), while merged. */
      // Spelled out: drizzle writes a selected field's columns unqualified, and "id" would be the merge's.
      endorsements: sql<number>`(SELECT count(*)::int FROM item_merges m WHERE m.primary_id = "items"."id" AND m.unmerged_at IS NULL)`,
    })
    .from(items)
    // A merged duplicate is its primary's endorsement, not a text of its own.
    .where(
      and(
        gte(items.createdAt, from),
        lte(items.createdAt, to),
        sql`NOT EXISTS (SELECT 1 FROM ${itemMerges} WHERE ${itemMerges.duplicateId} = ${items.id} AND ${itemMerges.unmergedAt} IS NULL)`,
      ),
    )
    .orderBy(desc(items.createdAt))
    .limit(limit);
}

/** Imported past work orders filed in a window (their time known), newest first, at most `limit`: hotspot material too. */
export async function historyFiledBetween(db: Executor, from: Date, to: Date, limit: number) {
  return db
    .select({ id: aiHistory.id, title: aiHistory.title, text: aiHistory.text, departmentId: aiHistory.departmentId, filedAt: aiHistory.filedAt, endorsements: aiHistory.endorsements })
    .from(aiHistory)
    .where(and(gte(aiHistory.filedAt, from), lte(aiHistory.filedAt, to)))
    .orderBy(desc(aiHistory.filedAt))
    .limit(limit);
}
