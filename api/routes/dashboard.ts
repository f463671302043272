import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { errorBody } from '../schemas/errors';
import { dashboardQuery, dashboardSchema, factListPage, factListQuery, trendQuery } from '../schemas/dashboard';
import { getDashboard, getRanking, getTrend, listDashboardTasks } from '../services/dashboard/standing-book';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody };
export const DASHBOARD_READERS = ['leader', 'supervisor', 'auditor'] as const;
const readers = { access: DASHBOARD_READERS };

export function dashboardRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/dashboard',
      {
        config: readers,
        schema: {
          tags: ['dashboard'],
          summary: 'The standing book: per department, per kind and in total; each row names its drill-down lists',
          querystring: dashboardQuery,
          response: { 200: dashboardSchema, ...errors },
        },
      },
      async (request) => getDashboard(deps, request.query),
    );
    app.get(
      '/api/tasks',
      {
        config: readers,
        schema: {
          tags: ['dashboard'],
          summary: 'Drill-down: the department tasks behind one dashboard figure (?metric=…, same filters as the dashboard)',
          querystring: factListQuery,
          response: { 200: factListPage, ...errors },
        },
      },
      async (request) => listDashboardTasks(deps, request.query),
    );
    app.get(
      '/api/dashboard/ranking',
      {
        config: readers,
        schema: { tags: ['dashboard'], summary: 'Departments ranked by on-time rate and by red lights, chart-ready', querystring: dashboardQuery, response: { 200: z.unknown(), ...errors } },
      },
      async (request) => getRanking(deps, request.query),
    );
    app.get(
      '/api/dashboard/trend',
      {
        config: readers,
        schema: { tags: ['dashboard'], summary: 'The figures per week or month, chart-ready', querystring: trendQuery, response: { 200: z.unknown(), ...errors } },
      },
      async (request) => getTrend(deps, request.query),
    );
  };
}
