// Large exports as BullMQ jobs: POST /api/exports queues one, GET /api/exports/:id reports its
// status and progress, GET /api/exports/:id/file downloads it — only to whoever asked.
import { countVolumeItems, findExportFile, findExportJob, insertExportJobWithinQuota } from '../../../db/queries/exports';
import { MAX_VOLUME_ITEMS, volumeJobName, type VolumeParams } from '../../../jobs/exports/jobs';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';
import { instantField } from '../shared/instant-field';

export interface ExportRequest extends VolumeParams {
  type: 'volume';
}

export async function requestExport(
  deps: Pick<ApiDeps, 'database' | 'queues' | 'config'>,
  user: SessionUser,
  body: ExportRequest,
): Promise<{ id: string; status: 'queued' }> {
  const params: VolumeParams = {};
  if (body.issuedBy) params.issuedBy = body.issuedBy;
  if (body.kind) params.kind = body.kind;
  if (body.from) params.from = new Date(instantField(body.from, 'body.from')).toISOString();
  if (body.to) params.to = new Date(instantField(body.to, 'body.to')).toISOString();
  if (params.from && params.to && params.from >= params.to) {
    throw fieldError('validation_failed', 'body.to', 'must be after from', '结束时间须晚于开始时间', 'body.to must be after body.from');
  }
  await refuseOversizedVolume(deps, params);
  const limit = deps.config.EXPORTS_PER_USER;
  const id = await insertExportJobWithinQuota(deps.database.db, { type: body.type, requestedBy: user.id, params: params as Record<string, unknown> }, limit);
  if (!id) throw exportQuotaReached(limit);
  await deps.queues.exports.add(
    volumeJobName,
    { exportId: id },
    { jobId: id, attempts: 2, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  );
  return { id, status: 'queued' };
}

/** Too many of the user's exports are still queued or running: 429, worded in both languages. */
function exportQuotaReached(limit: number): AppError {
  const message = `You already have ${limit} exports queued or running; wait for one to finish before asking for another.`;
  const messageZh = `您已有 ${limit} 个导出任务正在排队或生成，请待其中一个完成后再申请。`;
  return new AppError('rate_limited', message, { limit, messageZh });
}

/**
 * A volume binds at most MAX_VOLUME_ITEMS items. An auditor needs to know that a volume holds every
 * item its cover describes, so a filter matching more is refused before any work, with the count
 * and a period that fits (up to the launch of the first item beyond the limit); the rest goes into
 * a second volume from that instant. A volume is never silently cut.
 */
async function refuseOversizedVolume(deps: Pick<ApiDeps, 'database'>, params: VolumeParams): Promise<void> {
  const filter = {
    issuedBy: params.issuedBy,
    kind: params.kind,
    from: params.from ? new Date(params.from) : undefined,
    to: params.to ? new Date(params.to) : undefined,
  };
  const { matched, firstBeyondLimitAt } = await countVolumeItems(deps.database.db, filter, MAX_VOLUME_ITEMS);
  if (matched <= MAX_VOLUME_ITEMS) return;
  const suggestedTo = firstBeyondLimitAt?.toISOString() ?? null;
  throw new AppError(
    'rule_violation',
    `${matched} items match, but one volume binds at most ${MAX_VOLUME_ITEMS}. Narrow the period` +
      (suggestedTo ? `: e.g. to=${suggestedTo} (the first ${MAX_VOLUME_ITEMS} items), then a second volume from=${suggestedTo}.` : '.'),
    { limit: MAX_VOLUME_ITEMS, matched, suggested: suggestedTo ? { from: params.from ?? null, to: suggestedTo } : null },
  );
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
    matchedCount: row.matchedCount,
    capped: capped(row),
    ...(capped(row)
      ? {
          notice: `Capped: the volume holds the first ${row.itemCount} of ${row.matchedCount} matching items (by launch time); export the rest with a later period.`,
        }
      : {}),
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

/** More items matched than the volume holds (items launched after the request pushed it over the limit). */
function capped(row: { matchedCount: number | null; itemCount: number | null }): boolean {
  return row.matchedCount !== null && row.itemCount !== null && row.matchedCount > row.itemCount;
}
