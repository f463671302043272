import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { fieldError } from '../errors';
import { errorBody, idParams } from '../schemas/errors';
import { contentDisposition, fileTooLarge, listAttachmentsFor, openAttachment, uploadAttachment } from '../services/attachments/attachments';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 413: errorBody, 415: errorBody, 422: errorBody };

const uploaded = z.object({
  id: z.uuid(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  contentType: z.string(),
  itemId: z.uuid().nullable(),
  taskId: z.uuid().nullable(),
});
const attachmentWire = uploaded.extend({ uploadedBy: z.string(), uploadedAt: z.string() });

/**
 * The one file of a multipart upload, in memory up to the limit. Whatever the client's bytes do to
 * the multipart parser (a wrong boundary, a body cut short) is a 400 naming the field, never a 500.
 */
async function readOneFile(request: FastifyRequest, maxBytes: number): Promise<{ part: MultipartFile; bytes: Buffer }> {
  const malformed = () => fieldError('validation_failed', 'body.file', 'the multipart body is malformed', 'multipart 请求体格式有误');
  let part: MultipartFile | undefined;
  try {
    part = await request.file();
  } catch {
    throw malformed();
  }
  if (!part || part.fieldname !== 'file') throw fieldError('validation_failed', 'body.file', 'one file in the part "file" is required', '须在 file 字段中上传一个文件');
  try {
    return { part, bytes: await part.toBuffer() };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw fileTooLarge(maxBytes);
    throw malformed();
  }
}

/** Upload (multipart, one file in the part `file`), list an item's, download one. */
export function attachmentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Only this plugin's routes parse multipart; the file is held in memory up to the per-file limit.
    await app.register(multipart, { limits: { fileSize: deps.config.ATTACHMENT_MAX_FILE_BYTES, files: 1, fields: 10, parts: 12, fieldSize: 1024 } });

    app.post(
      '/api/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary:
            'Upload one file (multipart/form-data, part `file`). `taskId` ties it to a task as that department’s evidence, `itemId` (supervisor, leader) to the whole item; neither: only the uploader may read it until something ties it. The type is judged from the content; the sha256 goes into the audit log.',
          consumes: ['multipart/form-data'],
          querystring: z.object({ taskId: z.uuid().optional(), itemId: z.uuid().optional() }),
          response: { 201: uploaded, ...errors },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        if (!request.isMultipart()) throw fieldError('unsupported_media_type', 'body', 'send the file as multipart/form-data', '请以 multipart/form-data 上传文件');
        const { part, bytes } = await readOneFile(request, deps.config.ATTACHMENT_MAX_FILE_BYTES);
        const answer = await uploadAttachment(deps, request, user, { name: part.filename, claimedType: part.mimetype, bytes }, request.query);
        return reply.code(201).send(answer);
      },
    );

    app.get(
      '/api/attachments/:id',
      {
        config: { auditRead: true },
        schema: { tags: ['attachments'], summary: 'Download an attachment, authorised exactly like its task or item (untied: its uploader only)', params: idParams, response: { 200: z.unknown(), ...errors } },
      },
      async (request, reply) => {
        const { row, stream } = await openAttachment(deps, requireUser(request), request.params.id);
        return reply
          .header('content-type', row.contentType)
          .header('content-length', String(row.size))
          .header('content-disposition', contentDisposition(row.name))
          .header('cache-control', 'private, no-store')
          .send(stream);
      },
    );

    app.get(
      '/api/items/:id/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary: "The item's attachments its reader may download (department staff: the item's own and their own task's)",
          params: idParams,
          response: { 200: z.object({ items: z.array(attachmentWire) }), ...errors },
        },
      },
      async (request) => listAttachmentsFor(deps, requireUser(request), request.params.id),
    );
  };
}
