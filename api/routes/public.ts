import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { publicItemPage } from '../schemas/items';
import { pageQuery } from '../schemas/pagination';
import { listPublicItemsPage } from '../services/items/queries';

export function publicRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/public/items',
      {
        config: { access: 'public' },
        schema: {
          tags: ['public'],
          summary: 'Items marked for disclosure (公开): title, kind, departments, due date, status and light only',
          querystring: pageQuery,
          response: { 200: publicItemPage, 400: errorBody },
        },
      },
      async (request) => listPublicItemsPage(deps, request.query),
    );
  };
}
