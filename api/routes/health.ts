import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { checkHealth, reportFor } from '../services/platform/health';

/** The parts (and `failing`) for signed-in callers, and for anonymous ones while every part is ok. */
const healthBody = z.object({
  status: z.enum(['ok', 'unavailable']),
  temporal: z.string().optional(),
  database: z.string().optional(),
  redis: z.string().optional(),
  failing: z.array(z.string()).optional(),
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
          summary:
            'Whether Temporal, Postgres and Redis all answer ("ok" or "unavailable"); signed-in users also see each part, an admin also why',
          response: { 200: healthBody, 503: healthBody },
        },
      },
      async (request, reply) => {
        const report = await checkHealth(deps);
        // Which part fails, and why (addresses, driver messages), is for the platform's own people.
        return reply.code(report.status === 'ok' ? 200 : 503).send(await reportFor(deps, request.user?.role ?? null, report));
      },
    );
  };
}
