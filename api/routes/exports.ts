import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ITEM_KINDS } from '../../domain/types';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import { isoInstant } from '../schemas/items';
import { exportFile, exportStatus, requestExport } from '../services/exports/jobs';

const exportBody = z.object({
  type: z.literal('volume'),
  issuedBy: z.uuid().optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
});
const statusSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().int(),
  error: z.string().optional(),
  /** How many items the volume holds (known once the job has selected them). */
  itemCount: z.number().int().nullable(),
  /** How many items matched the filter when the job selected them; more than itemCount when capped. */
  matchedCount: z.number().int().nullable(),
  capped: z.boolean(),
  /** Set when capped: what the volume leaves out. */
  notice: z.string().optional(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  file: z.string().optional(),
});
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };

export function exportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/exports',
      {
        config: { access: ['auditor', 'leader', 'supervisor'] },
        schema: {
          tags: ['exports'],
          summary: 'Queue a PDF volume of every item matching the filter (e.g. all approval documents issued by one leader); 422 when more match than one volume binds (details: limit, matched, a period that fits)',
          body: exportBody,
          response: { 202: z.object({ id: z.string(), status: z.literal('queued') }), ...errors },
        },
      },
      async (request, reply) => reply.code(202).send(await requestExport(deps, requireUser(request), request.body)),
    );
    app.get(
      '/api/exports/:id',
      { schema: { tags: ['exports'], summary: "An export's status and progress (only for whoever asked)", params: idParams, response: { 200: statusSchema, ...errors } } },
      async (request) => exportStatus(deps, requireUser(request), request.params.id),
    );
    app.get(
      '/api/exports/:id/file',
      { config: { auditRead: true }, schema: { tags: ['exports'], summary: "Download a finished export (only for whoever asked)", params: idParams } },
      async (request, reply) => {
        const file = await exportFile(deps, requireUser(request), request.params.id);
        return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.bytes);
      },
    );
  };
}
