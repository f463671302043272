import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { dashboardQuery } from '../schemas/dashboard';
import { errorBody } from '../schemas/errors';
import { getAssessment, readWeights, updateWeights } from '../services/assessment';

const points = z.number().min(0).max(1000);
const weightsBody = z.object({ onTimeRate: points, redEver: points, urge: points, returned: points, postponed: points });
const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

export function assessmentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/assessment',
      {
        config: { access: ['leader', 'supervisor', 'auditor'] },
        schema: {
          tags: ['assessment'],
          summary: 'A score per department for the period (same filters as /api/dashboard), each deduction naming its item',
          querystring: dashboardQuery,
          response: { 200: z.unknown(), ...errors },
        },
      },
      async (request) => getAssessment(deps, request.query),
    );
    app.get(
      '/api/assessment/weights',
      { config: { access: ['leader', 'supervisor', 'auditor', 'admin'] }, schema: { tags: ['assessment'], summary: 'The points each shortfall costs', response: { 200: z.unknown(), ...errors } } },
      async () => readWeights(deps),
    );
    app.put(
      '/api/assessment/weights',
      { config: { access: ['admin'] }, schema: { tags: ['assessment'], summary: 'Set the points each shortfall costs (admin)', body: weightsBody, response: { 200: z.unknown(), ...errors } } },
      async (request) => updateWeights(deps, requireUser(request), request.body),
    );
  };
}
