import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import { taskWireSchema } from '../schemas/items';
import {
  completeBody,
  extensionBody,
  extensionDecisionBody,
  progressBody,
  reviewBody,
  signBody,
  transferBody,
  transferDecisionBody,
  urgeBody,
} from '../schemas/tasks';
import {
  decideExtension,
  decideTransfer,
  reportProgress,
  requestExtension,
  requestTransfer,
  reviewTask,
  signTask,
  submitCompletion,
  urgeTask,
  type ActionContext,
} from '../services/tasks/actions';
import { assigneeBody } from '../schemas/item-actions';
import { assignTask } from '../services/items/actions';

const answers = { 200: taskWireSchema, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 503: errorBody };
const department = { access: ['department'] } as const;
const supervisor = { access: ['supervisor'] } as const;

function ctx(request: FastifyRequest): ActionContext {
  return { user: requireUser(request), idempotencyKey: request.idempotencyKey };
}

/** Task actions; each answers the task's new state. The Idempotency-Key becomes the Update id. */
export function taskRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const schema = (summary: string) => ({ tags: ['tasks'], summary, params: idParams, response: answers });

    app.post('/api/tasks/:id/sign', { config: department, schema: { ...schema('Sign for receipt (签收)'), body: signBody } }, async (request) =>
      signTask(deps, ctx(request), request.params.id),
    );
    app.post('/api/tasks/:id/progress', { config: department, schema: { ...schema('Report progress (进展反馈)'), body: progressBody } }, async (request) =>
      reportProgress(deps, ctx(request), request.params.id, request.body),
    );
    app.post('/api/tasks/:id/extension', { config: department, schema: { ...schema('Ask for an extension (延期)'), body: extensionBody } }, async (request) =>
      requestExtension(deps, ctx(request), request.params.id, request.body),
    );
    app.post('/api/tasks/:id/transfer', { config: department, schema: { ...schema('Ask for a transfer (退回/转办)'), body: transferBody } }, async (request) =>
      requestTransfer(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/tasks/:id/complete',
      { config: department, schema: { ...schema('Submit the completion report (办结报告), validated against the template'), body: completeBody } },
      async (request) => submitCompletion(deps, ctx(request), request.params.id, request.body),
    );
    app.post('/api/tasks/:id/review', { config: supervisor, schema: { ...schema('Accept or return a completion report'), body: reviewBody } }, async (request) =>
      reviewTask(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/tasks/:id/extension-decision',
      { config: supervisor, schema: { ...schema('Approve or deny the pending extension request'), body: extensionDecisionBody } },
      async (request) => decideExtension(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/tasks/:id/transfer-decision',
      { config: supervisor, schema: { ...schema('Approve (to a department) or deny the pending transfer request'), body: transferDecisionBody } },
      async (request) => decideTransfer(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/tasks/:id/urge',
      { config: { access: ['supervisor', 'leader'] }, schema: { ...schema('Urge the department (催办)'), body: urgeBody } },
      async (request) => urgeTask(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/tasks/:id/assignee',
      { config: { access: ['department', 'supervisor'] }, schema: { ...schema("Name the task's person (承办人), of its department"), body: assigneeBody } },
      async (request) => assignTask(deps, ctx(request), request.params.id, request.body),
    );
  };
}
