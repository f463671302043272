import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { deductionsPage, deductionsQuery, weightsBody } from '../schemas/assessment';
import { dashboardQuery } from '../schemas/dashboard';
import { errorBody } from '../schemas/errors';
import { getAssessment, listAssessmentDeductions, readWeights, updateWeights } from '../services/dashboard/assessment';
const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

export function assessmentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/assessment',
      {
        config: { access: ['leader', 'supervisor', 'auditor'] },
        schema: {
          tags: ['assessment'],
          summary: 'A score per department for the period (same filters as /api/dashboard): points lost per factor, each linking to its deductions',
          querystring: dashboardQuery,
          response: { 200: z.unknown(), ...errors },
        },
      },
      async (request) => getAssessment(deps, request.query),
    );
    app.get(
      '/api/assessment/deductions',
      {
        config: { access: ['leader', 'supervisor', 'auditor'] },
        schema: {
          tags: ['assessment'],
          summary: 'The deductions behind the scores, paged (same filters, optionally ?factor=): which item cost how many points',
          querystring: deductionsQuery,
          response: { 200: deductionsPage, ...errors },
        },
      },
      async (request) => listAssessmentDeductions(deps, request.query),
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
