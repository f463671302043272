import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { checkHealth } from '../services/platform/health';

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
          summary: 'Whether Temporal, Postgres and Redis all answer',
          response: { 200: healthBody, 503: healthBody },
        },
      },
      async (_request, reply) => {
        const report = await checkHealth(deps);
        return reply.code(report.status === 'ok' ? 200 : 503).send(report);
      },
    );
  };
}
