import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { verifyAuditChain } from '../../db/queries/audit-log';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';

const chainReport = z.object({
  ok: z.boolean(),
  /** Rows whose hash follows from their content and their predecessor's (all of them when ok). */
  checked: z.number().int(),
  firstBroken: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
});

/** The audit log's hash chain, recomputed as `npm run audit-log:verify` does, for the audit log page. */
export function auditLogVerifyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/audit-log/verify',
      {
        config: { access: ['auditor', 'admin'], auditRead: true },
        schema: {
          tags: ['audit'],
          summary: "Recompute the audit log's hash chain: intact, or the first row that does not follow from its predecessor",
          response: { 200: chainReport, 401: errorBody, 403: errorBody },
        },
      },
      async () => verifyAuditChain(deps.database.db),
    );
  };
}
