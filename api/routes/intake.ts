import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import {
  createdServiceAccountSchema,
  ruleBody,
  ruleSchema,
  serviceAccountBody,
  serviceAccountSchema,
  intakeAppealAnswer,
  intakeAppealBody,
  signalAnswer,
  signalBody,
  signalOfItemSchema,
  sourceBody,
  sourceParams,
  sourceSchema,
} from '../schemas/intake';
import { pageOf, pageQuery } from '../schemas/pagination';
import {
  createAccount,
  listAccounts,
  listRules,
  listSources,
  putRule,
  putSource,
  removeAccount,
  removeRule,
} from '../services/intake/admin';
import { receiveAppeal } from '../services/intake/appeals';
import { receiveSignal, signalOfItem } from '../services/intake/signals';
import { authenticateSignal, signalHeaders, type ServiceCaller } from '../services/intake/signed-requests';

const tags = ['intake'];
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 503: errorBody };

declare module 'fastify' {
  interface FastifyRequest {
    /** The raw JSON text of a signed request: what its signature covers. */
    rawBody?: string;
  }
}

/** Signals are signed over their raw body, so these routes keep it beside the parsed JSON. */
function keepRawJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const raw = body as string;
    request.rawBody = raw;
    try {
      done(null, raw === '' ? undefined : JSON.parse(raw));
    } catch {
      // Not JSON: left as text, so an unsigned caller still gets 401 first and a signed one a 400.
      done(null, raw);
    }
  });
}

const callers = new WeakMap<FastifyRequest, ServiceCaller>();

export function intakeRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // In a context of its own: only this route keeps the raw body.
    await app.register(async (context) => {
      const signed = context.withTypeProvider<ZodTypeProvider>();
      keepRawJson(signed);
      // Who is calling is settled before the body is validated: a forged request learns nothing from a 400.
      const serviceCaller = async (request: FastifyRequest) => {
        const caller = await authenticateSignal(deps, request.headers, request.rawBody ?? '', Date.now());
        callers.set(request, caller);
        request.auditActor = { id: caller.id, username: `service:${caller.name}`, role: 'service' };
      };
      signed.post(
        '/api/intake/signals',
        {
          config: { access: 'public' },
          schema: {
            tags,
            summary: 'An early-warning signal from a monitoring system: a verification item, once per (source, externalId)',
            description: `Headers: \`${signalHeaders.apiKey}\` (the service account's key), \`${signalHeaders.timestamp}\` (Unix seconds, within 5 minutes), \`${signalHeaders.signature}\` = hex HMAC-SHA256 of \`<timestamp>.<raw body>\` with the account's secret. A replayed signature is refused.`,
            body: signalBody,
            response: { 202: signalAnswer, ...errors },
          },
          preValidation: serviceCaller,
        },
        async (request, reply) => {
          const answer = await receiveSignal(deps, callers.get(request)!, request.body);
          request.auditTarget = answer.itemId;
          return reply.code(202).send(answer);
        },
      );
      signed.post(
        '/api/intake/appeals',
        {
          config: { access: 'public' },
          schema: {
            tags,
            summary: 'A citizen’s appeal posted by an outside system (a hotline platform): registered for dispatch, once per (source, externalId)',
            description: `Signed as \`POST /api/intake/signals\` is; the account's source and the body's \`externalId\` make it once: the same pair again answers the same appeal with \`created: false\`.`,
            body: intakeAppealBody,
            response: { 202: intakeAppealAnswer, ...errors },
          },
          preValidation: serviceCaller,
        },
        async (request, reply) => {
          const answer = await receiveAppeal(deps, callers.get(request)!, request.body);
          request.auditTarget = answer.id;
          return reply.code(202).send(answer);
        },
      );
    });
    app.get(
      '/api/items/:id/signal',
      {
        schema: {
          tags,
          summary: 'The early-warning signal behind a verification item',
          params: idParams,
          response: { 200: signalOfItemSchema, ...errors },
        },
      },
      async (request) => signalOfItem(deps, requireUser(request), request.params.id),
    );

    app.get(
      '/api/intake/sources',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Monitoring systems that post signals',
          querystring: pageQuery,
          response: { 200: pageOf(sourceSchema), ...errors },
        },
      },
      async (request) => listSources(deps, request.query),
    );
    app.put(
      '/api/intake/sources/:source',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Add or change a source, and where its results go back',
          params: sourceParams,
          body: sourceBody,
          response: { 200: sourceSchema, ...errors },
        },
      },
      async (request) => putSource(deps, requireUser(request), request.params.source, request.body),
    );
    app.get(
      '/api/intake/rules',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Which department verifies which signals',
          querystring: pageQuery,
          response: { 200: pageOf(ruleSchema), ...errors },
        },
      },
      async (request) => listRules(deps, request.query),
    );
    app.put(
      '/api/intake/rules',
      {
        config: { access: ['admin'] },
        schema: { tags, summary: 'Set the rule of a source and risk level', body: ruleBody, response: { 200: ruleSchema, ...errors } },
      },
      async (request) => putRule(deps, requireUser(request), request.body),
    );
    app.delete(
      '/api/intake/rules/:id',
      {
        config: { access: ['admin'] },
        schema: { tags, summary: 'Remove a rule', params: idParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await removeRule(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/service-accounts',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Service accounts (never their key or secret)',
          querystring: pageQuery,
          response: { 200: pageOf(serviceAccountSchema), ...errors },
        },
      },
      async (request) => listAccounts(deps, request.query),
    );
    app.post(
      '/api/service-accounts',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'A service account of one source: its API key and secret are shown once',
          body: serviceAccountBody,
          response: { 201: createdServiceAccountSchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await createAccount(deps, requireUser(request), request.body)),
    );
    app.delete(
      '/api/service-accounts/:id',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Remove a service account: its key stops working at once',
          params: idParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await removeAccount(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
