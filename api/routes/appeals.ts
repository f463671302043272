import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import {
  appealListQuery,
  appealPage,
  appealSchema,
  dispatchBody,
  registerAppealBody,
  registeredAppealSchema,
  replyBody,
  returnBody,
  returnVisitBody,
} from '../schemas/appeals';
import { errorBody, idParams } from '../schemas/errors';
import { taskWireSchema } from '../schemas/items';
import { dispatchAppeal } from '../services/appeals/dispatch';
import { replyToCitizen, returnToDispatch } from '../services/appeals/handling';
import { registerAppeal } from '../services/appeals/register';
import { listAppealsPage, readAppeal } from '../services/appeals/views';
import { recordReturnVisit } from '../services/appeals/visit';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 503: errorBody };
const dispatchers = { access: ['operator', 'supervisor'] } as const;
const department = { access: ['department'] } as const;
const tags = ['appeals'];

/** The hotline loop (API.md "Intake, the hotline loop…"): register, dispatch, reply, return, return visit. */
export function appealRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/appeals',
      { config: dispatchers, schema: { tags, summary: 'Register a citizen’s appeal (登记)', body: registerAppealBody, response: { 201: registeredAppealSchema, ...errors } } },
      async (request, reply) => reply.code(201).send(await registerAppeal(deps, requireUser(request).id, request.body)),
    );
    app.get(
      '/api/appeals',
      {
        config: { access: ['operator', 'supervisor', 'leader', 'auditor'] },
        schema: { tags, summary: 'Appeals by status, or those whose return visit is due (phones masked but for operators)', querystring: appealListQuery, response: { 200: appealPage, ...errors } },
      },
      async (request) => listAppealsPage(deps, requireUser(request), request.query),
    );
    app.get(
      '/api/appeals/:id',
      { config: { access: 'user' }, schema: { tags, summary: 'One appeal (a department reads only one it handles)', params: idParams, response: { 200: appealSchema, ...errors } } },
      async (request) => readAppeal(deps, requireUser(request), request.params.id),
    );
    app.post(
      '/api/appeals/:id/dispatch',
      { config: dispatchers, schema: { tags, summary: 'Dispatch (派单) to a lead department, optionally with assisting ones; re-dispatch a returned one', params: idParams, body: dispatchBody, response: { 200: appealSchema, ...errors } } },
      async (request) => dispatchAppeal(deps, requireUser(request), request.params.id, request.body, request.idempotencyKey),
    );
    app.post(
      '/api/appeals/:id/return-visit',
      { config: { access: ['operator'] }, schema: { tags, summary: 'Record the return visit (回访); unsatisfied reopens it once', params: idParams, body: returnVisitBody, response: { 200: appealSchema, ...errors } } },
      async (request) => recordReturnVisit(deps, requireUser(request), request.params.id, request.body, request.idempotencyKey),
    );
    app.post(
      '/api/tasks/:id/reply',
      { config: department, schema: { tags, summary: 'Reply to the citizen, with the contact record (the appeal task’s completion)', params: idParams, body: replyBody, response: { 200: taskWireSchema, ...errors } } },
      async (request) => replyToCitizen(deps, { user: requireUser(request), idempotencyKey: request.idempotencyKey }, request.params.id, request.body),
    );
    app.post(
      '/api/tasks/:id/return',
      { config: department, schema: { tags, summary: 'Return a misrouted appeal to dispatch (退单)', params: idParams, body: returnBody, response: { 200: taskWireSchema, ...errors } } },
      async (request) => returnToDispatch(deps, { user: requireUser(request), idempotencyKey: request.idempotencyKey }, request.params.id, request.body),
    );
  };
}
