// Reads and writes for exports: which items a volume holds, the names a dossier prints, and the
// export job rows (status, progress, file).
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { exportJobs, type ExportJobRow } from '../schema/exports';
import { items } from '../schema/items';
import { departments, users } from '../schema/org';

export interface VolumeFilter {
  issuedBy?: string;
  kind?: string;
  /** Launched at or after / before. */
  from?: Date;
  to?: Date;
}

function volumeConditions(filter: VolumeFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.issuedBy) conditions.push(eq(items.issuedBy, filter.issuedBy));
  if (filter.kind) conditions.push(eq(items.kind, filter.kind));
  if (filter.from) conditions.push(gte(items.createdAt, filter.from));
  if (filter.to) conditions.push(lt(items.createdAt, filter.to));
  return conditions.length ? and(...conditions) : undefined;
}

export interface VolumeSelection {
  /** The items the volume holds, oldest first (the order of its contents page): at most `limit`. */
  ids: string[];
  /** How many items match the filter. */
  matched: number;
  /** When more match than `limit`: the launch time of the first item left out (where the next volume starts). */
  firstLeftOutAt: Date | null;
}

/** The items a volume holds and how many matched, in one statement (one snapshot). */
export async function selectVolumeItems(db: Executor, filter: VolumeFilter, limit: number): Promise<VolumeSelection> {
  const rows = await db
    .select({ id: items.id, createdAt: items.createdAt, matched: sql<number>`(count(*) over ())::int` })
    .from(items)
    .where(volumeConditions(filter))
    .orderBy(asc(items.createdAt), asc(items.code))
    .limit(limit + 1);
  const leftOut = rows[limit];
  return { ids: rows.slice(0, limit).map((r) => r.id), matched: rows[0]?.matched ?? 0, firstLeftOutAt: leftOut?.createdAt ?? null };
}

/**
 * How many items a volume's filter matches and, when more than `limit`, the launch time of the
 * first one beyond it: a volume up to that instant holds at most `limit` items.
 */
export async function countVolumeItems(db: Executor, filter: VolumeFilter, limit: number): Promise<{ matched: number; firstBeyondLimitAt: Date | null }> {
  const where = volumeConditions(filter);
  const [[counted], beyond] = await Promise.all([
    db.select({ n: sql<number>`count(*)::int` }).from(items).where(where),
    db.select({ createdAt: items.createdAt }).from(items).where(where).orderBy(asc(items.createdAt), asc(items.code)).offset(limit).limit(1),
  ]);
  return { matched: counted?.n ?? 0, firstBeyondLimitAt: beyond[0]?.createdAt ?? null };
}

export async function userNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function departmentNameMap(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function insertExportJob(db: Executor, row: { type: string; requestedBy: string; params: Record<string, unknown> }): Promise<string> {
  const [created] = await db.insert(exportJobs).values(row).returning({ id: exportJobs.id });
  return created!.id;
}

/** Two-key advisory lock class of one user's export requests ('ex' + 'qu'). */
const exportQuotaLockClass = 1702392181;

/**
 * Inserts the export job unless its requester already has `limit` queued or running; null then.
 * One user's requests take a transaction lock, so parallel requests cannot all slip under the limit.
 */
export async function insertExportJobWithinQuota(
  db: Database,
  row: { type: string; requestedBy: string; params: Record<string, unknown> },
  limit: number,
): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${exportQuotaLockClass}, hashtext(${row.requestedBy}))`);
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(exportJobs)
      .where(and(eq(exportJobs.requestedBy, row.requestedBy), inArray(exportJobs.status, ['queued', 'running'])));
    if ((open?.n ?? 0) >= limit) return null;
    return insertExportJob(tx, row);
  });
}

/** Status and progress only (not the file). */
export async function findExportJob(db: Executor, id: string) {
  const [row] = await db
    .select({
      id: exportJobs.id,
      type: exportJobs.type,
      requestedBy: exportJobs.requestedBy,
      params: exportJobs.params,
      status: exportJobs.status,
      progress: exportJobs.progress,
      error: exportJobs.error,
      itemCount: exportJobs.itemCount,
      matchedCount: exportJobs.matchedCount,
      fileName: exportJobs.fileName,
      createdAt: exportJobs.createdAt,
      finishedAt: exportJobs.finishedAt,
    })
    .from(exportJobs)
    .where(eq(exportJobs.id, id));
  return row;
}

export async function findExportFile(db: Executor, id: string): Promise<Pick<ExportJobRow, 'requestedBy' | 'status' | 'file' | 'fileName' | 'contentType'> | undefined> {
  const [row] = await db
    .select({ requestedBy: exportJobs.requestedBy, status: exportJobs.status, file: exportJobs.file, fileName: exportJobs.fileName, contentType: exportJobs.contentType })
    .from(exportJobs)
    .where(eq(exportJobs.id, id));
  return row;
}

export async function markExportRunning(db: Executor, id: string): Promise<void> {
  await db.update(exportJobs).set({ status: 'running', error: null }).where(eq(exportJobs.id, id));
}

/** What the job selected: how many items matched and how many the volume will hold. */
export async function setExportSelection(db: Executor, id: string, selection: { matched: number; held: number }): Promise<void> {
  await db.update(exportJobs).set({ matchedCount: selection.matched, itemCount: selection.held }).where(eq(exportJobs.id, id));
}

/** Progress only ever moves forward (a retried attempt restarts from 0 in the job, not here). */
export async function setExportProgress(db: Executor, id: string, progress: number): Promise<void> {
  await db.update(exportJobs).set({ progress: sql`greatest(${exportJobs.progress}, ${progress})` }).where(eq(exportJobs.id, id));
}

export async function completeExport(db: Executor, id: string, file: { bytes: Buffer; name: string; contentType: string; itemCount: number }): Promise<void> {
  await db
    .update(exportJobs)
    .set({ status: 'done', progress: 100, file: file.bytes, fileName: file.name, contentType: file.contentType, itemCount: file.itemCount, error: null, finishedAt: new Date() })
    .where(eq(exportJobs.id, id));
}

export async function failExport(db: Executor, id: string, error: string): Promise<void> {
  await db.update(exportJobs).set({ status: 'failed', error: error.slice(0, 2000), finishedAt: new Date() }).where(eq(exportJobs.id, id));
}
