import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { templateKinds } from '../../db/queries/templates';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { durationString, reportCadenceString } from '../schemas/durations';
import { errorBody } from '../schemas/errors';
import { pageOf } from '../schemas/pagination';
import { listTemplatesPage, putTemplate, readTemplate } from '../services/organisation/templates';

const kindSchema = z.enum(templateKinds as [typeof templateKinds[number], ...typeof templateKinds]);

const duration = durationString;

const settings = z
  .object({
    defaultDeadline: z.union([z.object({ duration }).strict(), z.object({ workingDays: z.number().int().min(0).max(365) }).strict()]),
    warnBefore: duration,
    signWithin: duration,
    reportEvery: reportCadenceString.nullable(),
    escalateAfter: duration,
    urgeEscalateAfter: duration,
    paceMarginPercent: z.number().min(0).max(100).nullable(),
    /** JSON Schema (type: object) of the completion report's `fields`. */
    completionFields: z.record(z.string(), z.unknown()),
    /** Appeals only: the return visit is due this many working days after the reply. */
    returnVisitWithinWorkingDays: z.number().int().min(1).max(60).optional(),
  })
  .strict();

const template = settings.extend({
  kind: kindSchema,
  completionFields: z.record(z.string(), z.unknown()),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  isDefault: z.boolean(),
});
const errors = { 400: errorBody, 401: errorBody, 403: errorBody };

export function templateRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/templates',
      { config: { access: 'user' }, schema: { tags: ['organisation'], summary: 'The item template of every kind', response: { 200: pageOf(template), ...errors } } },
      async () => listTemplatesPage(deps),
    );
    app.get(
      '/api/templates/:kind',
      { config: { access: 'user' }, schema: { tags: ['organisation'], summary: 'The item template of one kind', params: z.object({ kind: kindSchema }), response: { 200: template, ...errors } } },
      async (request) => readTemplate(deps, request.params.kind),
    );
    app.put(
      '/api/templates/:kind',
      {
        config: { access: ['admin'] },
        schema: { tags: ['organisation'], summary: "Replace a kind's template", params: z.object({ kind: kindSchema }), body: settings, response: { 200: template, ...errors } },
      },
      async (request) => putTemplate(deps, request.params.kind, request.body, requireUser(request)),
    );
  };
}
