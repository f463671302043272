/**
 * Attachments: evidence on a completion report, photos, scanned approval documents. An upload is
 * judged by its content (file-type, domain/attachment-types.ts), never by its name; its sha256 goes
 * into the audit log; it is tied, when the uploader says so, to a task (the department's evidence) or
 * to an item (a supervisor's scanned document). A download is authorised exactly like what it is
 * tied to: a task's like the task (its department, and the roles that read everything), an item's
 * like the item, an untied one for its uploader only. Anything else answers 404.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { appendAuditEntry } from '../../../db/queries/audit-log';
import { findAppeal } from '../../../db/queries/appeals';
import { findAttachment, insertAttachmentWithin, listItemAttachments } from '../../../db/queries/attachments';
import { findItem, findTask, listItemTasks } from '../../../db/queries/items';
import type { AttachmentRow } from '../../../db/schema/attachments';
import { isPlainText, judgeAttachmentType } from '../../../domain/attachment-types';
import { canReadDepartment, type SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError, fieldError } from '../../errors';
import { commitBeforeAnswer } from '../../plugins/commit-before-answer';

type Deps = Pick<ApiDeps, 'database' | 'config' | 'attachmentStore'>;

export interface UploadedFile {
  name: string;
  claimedType: string;
  bytes: Buffer;
}

export interface UploadTarget {
  taskId?: string;
  itemId?: string;
}

/** Roles that may add files to the record; auditors and admins read, they do not add evidence. */
const UPLOADERS_TO_RECORD = new Set(['supervisor', 'leader', 'department']);

/** A file name as stored and offered back: no path, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => {
      const c = ch.charCodeAt(0);
      return c >= 0x20 && (c < 0x7f || c > 0x9f);
    })
    .join('')
    .trim()
    .slice(-200);
  return clean || 'file';
}

/** Where the upload belongs: its item and task, after checking the uploader may add to them. */
async function placeOf(deps: Deps, user: SessionUser, target: UploadTarget): Promise<{ itemId: string | null; taskId: string | null }> {
  if (!target.taskId && !target.itemId) return { itemId: null, taskId: null };
  if (!UPLOADERS_TO_RECORD.has(user.role)) throw new AppError('forbidden', 'Only supervisors, leaders and department staff add files to an item or task.');
  const db = deps.database.db;
  if (target.taskId) {
    const task = await findTask(db, target.taskId);
    if (!task || !canReadDepartment(user, task.departmentId) || (target.itemId && target.itemId !== task.itemId)) {
      throw fieldError('not_found', 'querystring.taskId', 'no such task', '没有该任务');
    }
    return { itemId: task.itemId, taskId: task.id };
  }
  // A file of the whole item (not one department's evidence) is the supervision office's to add.
  if (user.role === 'department') {
    throw fieldError('forbidden', 'querystring.itemId', "department staff attach files to their own task (taskId), not to the whole item", '承办单位只能将附件添加到本单位的任务（taskId）');
  }
  const item = await findItem(db, target.itemId!);
  if (!item) throw fieldError('not_found', 'querystring.itemId', 'no such item', '没有该事项');
  return { itemId: item.id, taskId: null };
}

/** A size as people read it: KiB below one MiB (a 32 KiB limit must not read "0 MiB"). */
const mib = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`);

export function fileTooLarge(limit: number): AppError {
  return fieldError('payload_too_large', 'body.file', `a file may hold at most ${mib(limit)}`, `单个附件不能超过 ${mib(limit)}`);
}

/** The store's disk (or quota) full is said as such, at the file: nothing was saved, and it may work later. */
async function storeBytes(deps: Deps, request: FastifyRequest, id: string, bytes: Buffer, contentType: string): Promise<void> {
  try {
    await deps.attachmentStore.put(id, bytes, contentType);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw error;
    request.log.error({ error: String(error) }, 'attachment store full: uploads are refused until space is freed');
    throw fieldError('unavailable', 'body.file', 'the attachment store is full: nothing was saved; try again later', '附件存储空间已满，本次未保存任何内容，请稍后再试');
  }
}

export async function uploadAttachment(deps: Deps, request: FastifyRequest, user: SessionUser, file: UploadedFile, target: UploadTarget) {
  const place = await placeOf(deps, user, target);
  const name = cleanFileName(file.name);
  const detected = await fileTypeFromBuffer(file.bytes);
  const judged = judgeAttachmentType({ detected: detected?.mime ?? null, text: () => isPlainText(file.bytes), claimed: file.claimedType, name });
  if (!judged.ok) throw fieldError('unsupported_media_type', 'body.file', judged.en, judged.zh, `Refused: ${judged.en}.`);
  if (file.bytes.length === 0) throw fieldError('validation_failed', 'body.file', 'the file is empty', '文件为空');

  const id = randomUUID();
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  await storeBytes(deps, request, id, file.bytes, judged.contentType);
  const limit = deps.config.ATTACHMENT_MAX_ITEM_BYTES;
  let result: { inserted: boolean; heldBytes: number };
  try {
    result = await insertAttachmentWithin(
      deps.database.db,
      { id, name, size: file.bytes.length, sha256, contentType: judged.contentType, storageKey: id, uploadedBy: user.id, itemId: place.itemId, taskId: place.taskId },
      limit,
    );
  } catch (error) {
    await deps.attachmentStore.remove(id).catch(() => {});
    throw error;
  }
  if (!result.inserted) {
    await deps.attachmentStore.remove(id).catch(() => {});
    throw fieldError(
      'payload_too_large',
      'body.file',
      `the item's attachments may hold at most ${mib(limit)}; it holds ${mib(result.heldBytes)}`,
      `同一事项的附件合计不能超过 ${mib(limit)}，现已有 ${mib(result.heldBytes)}`,
    );
  }
  recordChecksum(deps, request, user, id, sha256);
  return { id, name, size: file.bytes.length, sha256, contentType: judged.contentType, itemId: place.itemId, taskId: place.taskId };
}

/**
 * The upload's own audit row (plugins/audit-log.ts) names the attachment; this one, of the same
 * request, carries its sha256 as the target, so "who uploaded these bytes?" is one audit-log query.
 */
function recordChecksum(deps: Deps, request: FastifyRequest, user: SessionUser, id: string, sha256: string): void {
  commitBeforeAnswer(
    request,
    appendAuditEntry(deps.database.db, {
      at: new Date(),
      actorId: user.id,
      actorUsername: user.username,
      actorRole: user.role,
      actorDepartmentId: user.departmentId,
      action: 'STORE attachment sha256',
      path: `/api/attachments/${id}`,
      targetId: `sha256:${sha256}`,
      status: 201,
      requestId: String(request.id),
    }).catch((error: unknown) => request.log.error({ err: error }, 'audit log append failed')),
  );
}

/** Whether the user may read an attachment: exactly as its task, its item, or (untied) its uploader. */
async function mayRead(deps: Deps, user: SessionUser, row: AttachmentRow): Promise<boolean> {
  const db = deps.database.db;
  if (row.taskId) {
    const task = await findTask(db, row.taskId);
    return task !== undefined && canReadDepartment(user, task.departmentId);
  }
  if (row.itemId) {
    // Operators read appeals (and so an appeal's files), nothing else.
    if (user.role === 'operator') return (await findAppeal(db, row.itemId)) !== undefined;
    if (user.role !== 'department') return canReadDepartment(user, null);
    const tasks = await listItemTasks(db, row.itemId, user.departmentId ?? undefined);
    return tasks.length > 0;
  }
  return row.uploadedBy === user.id;
}

export async function openAttachment(deps: Deps, user: SessionUser, id: string): Promise<{ row: AttachmentRow; stream: Readable }> {
  const row = await findAttachment(deps.database.db, id);
  if (!row || !(await mayRead(deps, user, row))) throw new AppError('not_found', 'No such attachment.');
  return { row, stream: await deps.attachmentStore.get(row.storageKey) };
}

/** `attachment; filename*=UTF-8''…` with an ASCII fallback, so Chinese names survive every browser. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function attachmentToWire(row: AttachmentRow) {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    sha256: row.sha256,
    contentType: row.contentType,
    itemId: row.itemId,
    taskId: row.taskId,
    uploadedBy: row.uploadedBy,
    uploadedAt: row.uploadedAt.toISOString(),
  };
}

/** The item's attachments its reader may download: department staff the item's own and their tasks'. */
export async function listAttachmentsFor(deps: Deps, user: SessionUser, itemId: string) {
  const db = deps.database.db;
  const item = await findItem(db, itemId);
  if (!item) throw new AppError('not_found', 'No such item.');
  if (user.role !== 'department') return { items: (await listItemAttachments(db, itemId)).map(attachmentToWire) };
  const own = await listItemTasks(db, itemId, user.departmentId ?? '00000000-0000-0000-0000-000000000000');
  if (own.length === 0) throw new AppError('not_found', 'No such item.');
  return { items: (await listItemAttachments(db, itemId, own.map((t) => t.id))).map(attachmentToWire) };
}
