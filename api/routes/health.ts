import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { checkHealth, projectionFailureCount, withoutCauses } from '../services/platform/health';

const healthBody = z.object({
  status: z.enum(['ok', 'unavailable']),
  temporal: z.string(),
  database: z.string(),
  redis: z.string(),
  failing: z.array(z.string()),
  /** Admins only: workflows whose read-model write failed for good (GET /api/admin/projection-failures). */
  projectionFailures: z.number().optional(),
});

export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/health',
      {
        config: { access: 'public' },
        schema: {
          tags: ['platform'],
          summary: 'Whether Temporal, Postgres and Redis all answer ("ok" or "unavailable"; an admin also sees why)',
          response: { 200: healthBody, 503: healthBody },
        },
      },
      async (request, reply) => {
        const report = await checkHealth(deps);
        // Why a part fails (addresses, driver messages) is for the platform's staff, not for anonymous callers.
        const shown = request.user?.role === 'admin' ? { ...report, projectionFailures: await projectionFailureCount(deps) } : withoutCauses(report);
        return reply.code(report.status === 'ok' ? 200 : 503).send(shown);
      },
    );
  };
}
