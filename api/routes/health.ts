import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { checkHealth, withoutCauses } from '../services/platform/health';

const healthBody = z.object({
  status: z.enum(['ok', 'unavailable']),
  temporal: z.string(),
  database: z.string(),
  redis: z.string(),
  failing: z.array(z.string()),
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
        const shown = request.user?.role === 'admin' ? report : withoutCauses(report);
        return reply.code(report.status === 'ok' ? 200 : 503).send(shown);
      },
    );
  };
}
