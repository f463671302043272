import { z } from 'zod';
import { isoInstant } from '../schemas/items';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { pageOf, pageQuery } from '../schemas/pagination';
import { listAuditLogPage } from '../services/audit/audit-log';

const entry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  actorRole: z.string().nullable(),
  actorDepartmentId: z.string().nullable(),
  action: z.string(),
  path: z.string(),
  targetId: z.string().nullable(),
  status: z.number().int(),
  requestId: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

export function auditLogRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/audit-log',
      {
        config: { access: ['auditor', 'admin'], auditRead: true }, // reading the log is itself an audit read
        schema: {
          tags: ['audit'],
          summary: 'The append-only log of writes and audit reads, newest first',
          querystring: pageQuery.extend({
            actor: z.string().max(100).optional().describe('user id or username'),
            action: z.string().max(200).optional().describe('part of "METHOD /route", e.g. "POST /api/tasks"'),
            target: z.string().max(200).optional(),
            from: isoInstant.pipe(z.coerce.date()).optional(),
            to: isoInstant.pipe(z.coerce.date()).optional(),
          }),
          response: { 200: pageOf(entry), 400: errorBody, 401: errorBody, 403: errorBody },
        },
      },
      async (request) => listAuditLogPage(deps, request.query),
    );
  };
}
