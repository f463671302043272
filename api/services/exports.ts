// Large exports as BullMQ jobs: POST /api/exports queues one, GET /api/exports/:id reports its
// status and progress, GET /api/exports/:id/file downloads it — only to whoever asked.
import { findExportFile, findExportJob, insertExportJob } from '../../db/queries/exports';
import { volumeJobName, type VolumeParams } from '../../jobs/exports/jobs';
import type { SessionUser } from '../authz';
import type { ApiDeps } from '../deps';
import { AppError } from '../errors';
import { instantField } from './instant-field';

export interface ExportRequest extends VolumeParams {
  type: 'volume';
}

export async function requestExport(deps: Pick<ApiDeps, 'database' | 'queues'>, user: SessionUser, body: ExportRequest): Promise<{ id: string; status: 'queued' }> {
  const params: VolumeParams = {};
  if (body.issuedBy) params.issuedBy = body.issuedBy;
  if (body.kind) params.kind = body.kind;
  if (body.from) params.from = new Date(instantField(body.from, 'body.from')).toISOString();
  if (body.to) params.to = new Date(instantField(body.to, 'body.to')).toISOString();
  if (params.from && params.to && params.from >= params.to) {
    throw new AppError('validation_failed', 'body.to must be after body.from', { fields: [{ field: 'body.to', message: 'must be after from' }] });
  }
  const id = await insertExportJob(deps.database.db, { type: body.type, requestedBy: user.id, params: params as Record<string, unknown> });
  await deps.queues.exports.add(volumeJobName, { exportId: id }, { jobId: id, attempts: 2, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 });
  return { id, status: 'queued' };
}

/** Someone else's export answers 404, like one that does not exist. */
export async function exportStatus(deps: Pick<ApiDeps, 'database'>, user: SessionUser, id: string) {
  const row = await findExportJob(deps.database.db, id);
  if (!row || row.requestedBy !== user.id) throw new AppError('not_found', 'No such export.');
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    ...(row.error ? { error: row.error } : {}),
    itemCount: row.itemCount,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    ...(row.status === 'done' ? { file: `/api/exports/${row.id}/file` } : {}),
  };
}

export async function exportFile(deps: Pick<ApiDeps, 'database'>, user: SessionUser, id: string) {
  const row = await findExportFile(deps.database.db, id);
  if (!row || row.requestedBy !== user.id) throw new AppError('not_found', 'No such export.');
  if (row.status !== 'done' || !row.file) throw new AppError('wrong_state', `The export is ${row.status}; its file is not ready.`);
  return { bytes: row.file, fileName: row.fileName ?? `${id}.pdf`, contentType: row.contentType ?? 'application/pdf' };
}
