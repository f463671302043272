import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';

/** The benchmark's floor: an authenticated route doing one `SELECT 1` through the same process. */
export function pingDbRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/ping-db',
      {
        schema: { tags: ['platform'], summary: 'Authenticated SELECT 1 (benchmark floor)', response: { 200: z.object({ ok: z.literal(true) }), 401: errorBody } },
      },
      async () => {
        await deps.database.sql`select 1`;
        return { ok: true as const };
      },
    );
  };
}
