// Projections that failed for good (a value the read model refuses): listed to admins, repaired from
// the item's histories once the cause is fixed.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { projectionFailures, repairItemProjection } from '../services/audit/projection-repair';
import { errorBody } from '../schemas/errors';

const errors = { 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

const failure = z.object({
  workflowId: z.string(),
  kind: z.enum(['item', 'task']),
  itemId: z.string(),
  taskId: z.string().nullable(),
  version: z.number(),
  errorCode: z.string(),
  error: z.string(),
  failures: z.number(),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
});

export function projectionFailureRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/admin/projection-failures',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['platform'],
          summary: 'Workflows whose read-model write failed for a reason no retry cures (newest first)',
          response: { 200: z.object({ items: z.array(failure) }), ...errors },
        },
      },
      async () => ({ items: await projectionFailures(deps.database.db) }),
    );
    app.post(
      '/api/admin/projection-failures/:itemId/repair',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['platform'],
          summary: "Re-projects the item from its histories once the failure's cause is fixed, and clears its failures",
          params: z.object({ itemId: z.uuid() }),
          response: {
            200: z.object({ itemId: z.string(), tasks: z.number(), events: z.number(), cleared: z.number() }),
            400: errorBody,
            ...errors,
          },
        },
      },
      async (request) => repairItemProjection({ client: deps.temporal, db: deps.database.db }, request.params.itemId),
    );
  };
}
