// The `exports` queue's processor: builds a PDF volume of the items matching a filter, reporting
// progress to BullMQ (job.updateProgress) and to the export row that GET /api/exports/:id reads.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Database } from '../../db/client';
import { completeExport, failExport, findExportJob, markExportRunning, selectVolumeItems, setExportProgress, setExportSelection, userNames } from '../../db/queries/exports';
import { loadDossierData, type DossierData } from './dossier-data';
import { chinaTime, renderVolumePdf } from './dossier-pdf';
import { MAX_VOLUME_ITEMS, volumeJobName, volumeJobSchema, volumeParamsSchema, type VolumeParams } from './jobs';

export interface ExportDeps {
  db: Database;
  now?: () => Date;
  /** The most items one volume binds (MAX_VOLUME_ITEMS). */
  maxItems?: number;
  /** Called after each progress report, awaited before the job goes on (tests hold a job midway with it). */
  onProgress?: (exportId: string, progress: number) => Promise<void> | void;
}

const KIND_LABEL: Record<string, string> = { meeting_resolution: '会议议定事项', leadership_instruction: '领导批示', approval_document: '上级批件', routine: '常规督查', verification: '预警核查' };

export function createExportProcessor(deps: ExportDeps) {
  return async (job: Job) => {
    if (job.name !== volumeJobName) throw new UnrecoverableError(`unknown export job ${job.name}`);
    const parsed = volumeJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.message}`);
    const { exportId } = parsed.data;
    try {
      return await buildVolume(deps, job, exportId);
    } catch (error) {
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) await failExport(deps.db, exportId, error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}

async function buildVolume(deps: ExportDeps, job: Job, exportId: string) {
  const { db } = deps;
  const row = await findExportJob(db, exportId);
  if (!row) throw new UnrecoverableError(`export ${exportId} does not exist`);
  const params = volumeParamsSchema.safeParse(row.params);
  if (!params.success) throw new UnrecoverableError(`export ${exportId} has invalid params`);
  await markExportRunning(db, exportId);
  const filter = params.data;
  const limit = deps.maxItems ?? MAX_VOLUME_ITEMS;
  // The API refuses a filter matching more than the limit, but items launched since then can push
  // it over: the volume is then capped, and says so on its cover and in the export's status.
  const selection = await selectVolumeItems(
    db,
    { issuedBy: filter.issuedBy, kind: filter.kind, from: filter.from ? new Date(filter.from) : undefined, to: filter.to ? new Date(filter.to) : undefined },
    limit,
  );
  const { ids } = selection;
  await setExportSelection(db, exportId, { matched: selection.matched, held: ids.length });
  await report(deps, job, exportId, 5);

  async function* items(): AsyncGenerator<DossierData> {
    for (const id of ids) {
      const data = await loadDossierData(db, id);
      if (data) yield data;
    }
  }
  const description = await describe(db, filter);
  const capped = selection.matched > ids.length ? { matched: selection.matched, limit, firstLeftOutAt: selection.firstLeftOutAt } : undefined;
  const bytes = await renderVolumePdf({ title: '督查督办案卷汇编', description, itemCount: ids.length, capped, now: deps.now?.() }, items(), async (done) => {
    // 5% for the selection, 90% spread over the items, the last 5% for the contents and the file.
    await report(deps, job, exportId, 5 + Math.floor((90 * done) / Math.max(1, ids.length)));
  });
  await completeExport(db, exportId, { bytes, name: `volume-${exportId.slice(0, 8)}.pdf`, contentType: 'application/pdf', itemCount: ids.length });
  await job.updateProgress(100);
  return { items: ids.length, matched: selection.matched, bytes: bytes.length };
}

async function report(deps: ExportDeps, job: Job, exportId: string, progress: number): Promise<void> {
  await job.updateProgress(progress);
  await setExportProgress(deps.db, exportId, progress);
  await deps.onProgress?.(exportId, progress);
}

async function describe(db: Database, filter: VolumeParams): Promise<[string, string][]> {
  const lines: [string, string][] = [];
  if (filter.issuedBy) lines.push(['交办领导', (await userNames(db, [filter.issuedBy])).get(filter.issuedBy) ?? filter.issuedBy]);
  lines.push(['事项类别', filter.kind ? (KIND_LABEL[filter.kind] ?? filter.kind) : '全部']);
  if (filter.from || filter.to) lines.push(['立项时间', `${filter.from ? chinaTime(filter.from) : '…'} 至 ${filter.to ? chinaTime(filter.to) : '…'}`]);
  return lines;
}
