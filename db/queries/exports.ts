// Reads and writes for exports: which items a volume holds, the names a dossier prints, and the
// export job rows (status, progress, file).
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
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

/** Ids of the items a volume holds, oldest first (the order of its contents page). */
export async function volumeItemIds(db: Executor, filter: VolumeFilter, limit: number): Promise<string[]> {
  const conditions: SQL[] = [];
  if (filter.issuedBy) conditions.push(eq(items.issuedBy, filter.issuedBy));
  if (filter.kind) conditions.push(eq(items.kind, filter.kind));
  if (filter.from) conditions.push(gte(items.createdAt, filter.from));
  if (filter.to) conditions.push(lt(items.createdAt, filter.to));
  const rows = await db
    .select({ id: items.id })
    .from(items)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(items.createdAt), asc(items.code))
    .limit(limit);
  return rows.map((r) => r.id);
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
