import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import { cancelItemBody, itemDetailSchema, itemListQuery, itemPage, itemWireSchema, launchedItemSchema, launchItemBody } from '../schemas/items';
import { getItemDetail, listItemsFor } from '../services/items/queries';
import { cancelItem, launchItem } from '../services/items/commands';
import { assistBody, deadlineBody, instructionBody, mergeBody, publicBody } from '../schemas/item-actions';
import { mergeItem, unmergeItem } from '../services/items/merge';
import { addAssistingDepartment, changeItemDeadline, instructOnItem, setItemPublic } from '../services/items/actions';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 503: errorBody };

export function itemRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/items',
      {
        config: { access: ['supervisor', 'leader'] },
        schema: {
          tags: ['items'],
          summary: 'Launch an item: checked whole, then its workflow starts (Idempotency-Key welcome)',
          body: launchItemBody,
          response: { 201: launchedItemSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await launchItem(deps, requireUser(request), request.body, request.idempotencyKey)),
    );
    app.get(
      '/api/items',
      {
        schema: {
          tags: ['items'],
          summary: 'Items from the read model, newest first; department staff see only items with a task of theirs',
          querystring: itemListQuery,
          response: { 200: itemPage, ...errors },
        },
        // The page is built field by field (services/read-model-wire.ts) and its keys are pinned by a
        // test: checking it again with zod on the way out cost ~11% of a list request's API CPU.
        serializerCompiler: () => (data) => JSON.stringify(data),
      },
      async (request) => listItemsFor(deps, requireUser(request), request.query),
    );
    app.get(
      '/api/items/:id',
      {
        schema: {
          tags: ['items'],
          summary: 'An item with its tasks (lights, both deadline clocks, outcomes) and its timeline',
          params: idParams,
          response: { 200: itemDetailSchema, ...errors },
        },
      },
      async (request) => getItemDetail(deps, requireUser(request), request.params.id),
    );
    app.post(
      '/api/items/:id/cancel',
      {
        config: { access: ['supervisor'] },
        schema: { tags: ['items'], summary: 'Cancel an item: every open task closes with the reason', params: idParams, body: cancelItemBody, response: { 200: itemWireSchema, ...errors } },
      },
      async (request) => cancelItem(deps, requireUser(request), request.params.id, request.body.reason, request.idempotencyKey),
    );
    const act = (summary: string) => ({ tags: ['items'], summary, params: idParams, response: { 200: itemWireSchema, ...errors } });
    const ctx = (request: FastifyRequest) => ({ user: requireUser(request), idempotencyKey: request.idempotencyKey });
    app.post(
      '/api/items/:id/assist',
      { config: { access: ['supervisor'] }, schema: { ...act('Add an assisting department (协办单位) to a running item'), body: assistBody } },
      async (request) => addAssistingDepartment(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/items/:id/deadline',
      { config: { access: ['supervisor'] }, schema: { ...act("Change the whole item's deadline: every open task follows, as an extension"), body: deadlineBody } },
      async (request) => changeItemDeadline(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/items/:id/instructions',
      { config: { access: ['leader', 'supervisor'] }, schema: { ...act("A leader's comment or further instruction (批示); the departments are told"), body: instructionBody } },
      async (request) => instructOnItem(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/items/:id/public',
      { config: { access: ['supervisor'] }, schema: { ...act("Change the item's disclosure (public) flag"), body: publicBody } },
      async (request) => setItemPublic(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/items/:id/merge',
      {
        config: { access: ['supervisor', 'operator'] },
        schema: { ...act('Merge this duplicate into a primary item: its open tasks close as merged, the primary shows its text (operators: appeals only)'), body: mergeBody },
      },
      async (request) => mergeItem(deps, ctx(request), request.params.id, request.body),
    );
    app.post(
      '/api/items/:id/unmerge',
      { config: { access: ['supervisor', 'operator'] }, schema: act('Undo a merge: the item as it was, each task it closed reopened with its clock resuming') },
      async (request) => unmergeItem(deps, ctx(request), request.params.id),
    );
  };
}
