import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { publicItemPage } from '../schemas/items';
import { pageQuery } from '../schemas/pagination';
import { listPublicItemsPage } from '../services/items/queries';
import { publicStats } from '../services/public/stats';

const publicStatsSchema = z.object({
  departments: z.array(
    z.object({
      departmentId: z.string(),
      name: z.string(),
      total: z.number().int(),
      completed: z.number().int(),
      onTime: z.number().int(),
      onTimeRate: z.number().nullable(),
    }),
  ),
});

export function publicRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/public/items',
      {
        config: { access: 'public' },
        schema: {
          tags: ['public'],
          summary: 'Items marked for disclosure (公开): title, kind, departments (the lead first), due date, status and light only',
          querystring: pageQuery,
          response: { 200: publicItemPage, 400: errorBody },
        },
      },
      async (request) => listPublicItemsPage(deps, request.query),
    );
    app.get(
      '/public/stats',
      {
        config: { access: 'public' },
        schema: {
          tags: ['public'],
          summary: "Each department's on-time record over the items marked public: tasks, completed, on time, on-time rate",
          response: { 200: publicStatsSchema },
        },
      },
      async () => publicStats(deps),
    );
  };
}
