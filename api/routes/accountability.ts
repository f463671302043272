import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { accountabilityBody, accountabilityList, accountabilityRevision, createdAccountability, withdrawBody } from '../schemas/accountability';
import { errorBody, idParams } from '../schemas/errors';
import { listAccountabilityFor, recordAccountability, reviseAccountability, withdrawAccountability } from '../services/accountability/actions';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };
const deciders = { access: ['supervisor', 'leader'] } as const;

/** Accountability (问责) against red or overdue tasks: record, list, revise, withdraw. */
export function accountabilityRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/tasks/:id/accountability',
      {
        config: deciders,
        schema: {
          tags: ['accountability'],
          summary: 'Hold a red or overdue task to account (问责): interview, circulated criticism, written explanation or other',
          params: idParams,
          body: accountabilityBody,
          response: { 201: createdAccountability, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await recordAccountability(deps, requireUser(request), request.params.id, request.body)),
    );
    app.get(
      '/api/items/:id/accountability',
      {
        schema: {
          tags: ['accountability'],
          summary: "The item's accountability actions, withdrawn ones included, each with its trail in plain words; department staff see those against their own department",
          params: idParams,
          response: { 200: accountabilityList, ...errors },
        },
      },
      async (request) => listAccountabilityFor(deps, requireUser(request), request.params.id),
    );
    app.patch(
      '/api/accountability/:id',
      {
        config: deciders,
        schema: {
          tags: ['accountability'],
          summary: 'Revise an accountability action (the fields named change; the trail and the audit log keep who did it)',
          params: idParams,
          body: accountabilityRevision,
          response: { 200: createdAccountability, ...errors },
        },
      },
      async (request) => reviseAccountability(deps, requireUser(request), request.params.id, request.body),
    );
    app.post(
      '/api/accountability/:id/withdraw',
      {
        config: deciders,
        schema: {
          tags: ['accountability'],
          summary: 'Withdraw an accountability action, with the reason; it stays listed as withdrawn and no longer counts',
          params: idParams,
          body: withdrawBody,
          response: { 200: createdAccountability, ...errors },
        },
      },
      async (request) => withdrawAccountability(deps, requireUser(request), request.params.id, request.body.reason),
    );
  };
}
