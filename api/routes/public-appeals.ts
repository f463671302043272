import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../deps';
import { challengeSchema, citizenQuery, citizenViewSchema, publicAppealBody, queryCodeParams, submittedAppealSchema } from '../schemas/appeals';
import { errorBody } from '../schemas/errors';
import { newChallenge } from '../services/appeals/captcha';
import { citizenQuery as queryAppeal, submitPublicAppeal } from '../services/appeals/citizen';

const errors = { 400: errorBody, 404: errorBody, 422: errorBody, 429: errorBody, 503: errorBody };
const tags = ['public'];

/** Per address, counted in Redis (plugins/rate-limit.ts). */
export const PUBLIC_APPEAL_LIMITS = {
  challenge: { max: 30, timeWindow: '1 minute' },
  submit: { max: 5, timeWindow: '1 minute' },
  query: { max: 30, timeWindow: '1 minute' },
} as const;

/** The citizen's pages: a captcha challenge, the submission, and the query by code and phone. */
export function publicAppealRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/public/appeals/challenge',
      { config: { access: 'public', rateLimit: PUBLIC_APPEAL_LIMITS.challenge }, schema: { tags, summary: 'An ALTCHA challenge to solve before submitting an appeal', response: { 200: challengeSchema, 429: errorBody } } },
      async () => newChallenge(deps),
    );
    app.post(
      '/public/appeals',
      {
        config: { access: 'public', rateLimit: PUBLIC_APPEAL_LIMITS.submit },
        schema: { tags, summary: 'A citizen submits an appeal (captcha: the solved ALTCHA payload) → its query code', body: publicAppealBody, response: { 201: submittedAppealSchema, ...errors } },
      },
      async (request, reply) => reply.code(201).send(await submitPublicAppeal(deps, request.body)),
    );
    app.get(
      '/public/appeals/:queryCode',
      {
        config: { access: 'public', rateLimit: PUBLIC_APPEAL_LIMITS.query },
        schema: { tags, summary: 'Status and reply of an appeal, by query code and phone (a miss reveals nothing and is counted)', params: queryCodeParams, querystring: citizenQuery, response: { 200: citizenViewSchema, ...errors } },
      },
      async (request) => queryAppeal(deps, request.params.queryCode, request.query.phone, request.ip),
    );
  };
}
