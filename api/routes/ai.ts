import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';
import {
  accuracyAnswer,
  autoDispatchAnswer,
  autoDispatchBody,
  choiceBody,
  HISTORY_BODY_LIMIT,
  historyAnswer,
  historyBody,
  hotspotsAnswer,
  hotspotsQuery,
  kindParams,
  modelSummary,
  pinAnswer,
  pinBody,
  retrainBody,
  suggestionAnswer,
  suggestionBody,
  versionParams,
} from '../schemas/ai';
import { importHistory } from '../services/ai/history-import';
import { hotspotsOf, pinHotspot, unpinHotspot } from '../services/ai/hotspots';
import { requestRiskTraining, riskModelStatus, taskRisk } from '../services/ai/risk';
import { riskModelAnswer, taskRiskAnswer } from '../schemas/risk';
import { getAutoDispatch, getModel, listModels, requestRetraining, suggestionAccuracy, switchAutoDispatch } from '../services/ai/models';
import { recordSuggestionChoice, suggestForText } from '../services/ai/suggestions';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };
// API.md: supervisor, operator, leader (an operator sees them when registering an appeal).
const DISPATCHERS = ['supervisor', 'leader', 'operator'] as const;
const tags = ['ai'];

export function aiRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/ai/suggestions',
      {
        config: { access: DISPATCHERS },
        schema: { tags, summary: 'The lead department’s top 3 with confidence and the words behind each, and open items saying the same thing', body: suggestionBody, response: { 200: suggestionAnswer, ...errors } },
      },
      async (request) => suggestForText(deps, requireUser(request), request.body),
    );
    app.post(
      '/api/ai/suggestions/:id/choice',
      {
        config: { access: DISPATCHERS },
        schema: { tags, summary: 'Record the department the dispatcher finally chose', params: idParams, body: choiceBody, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await recordSuggestionChoice(deps, requireUser(request), request.params.id, request.body);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/ai/accuracy',
      { config: { access: ['supervisor', 'leader', 'admin'] }, schema: { tags, summary: 'The suggestions’ accuracy month by month', response: { 200: accuracyAnswer, ...errors } } },
      async () => suggestionAccuracy(deps),
    );
    app.get(
      '/api/ai/hotspots',
      {
        config: { access: ['leader', 'supervisor'] },
        schema: { tags, summary: 'The last N days’ topics, named by their top words, with count, trend, departments and items', querystring: hotspotsQuery, response: { 200: hotspotsAnswer, ...errors } },
      },
      async (request) => hotspotsOf(deps, request.query),
    );
    app.post(
      '/api/ai/hotspots/pins',
      { config: { access: ['leader'] }, schema: { tags, summary: 'Pin a topic (its words): it stays on top of the hotspots with its count and trend', body: pinBody, response: { 201: pinAnswer, ...errors } } },
      async (request, reply) => reply.code(201).send(await pinHotspot(deps, requireUser(request), request.body)),
    );
    app.delete(
      '/api/ai/hotspots/pins/:id',
      { config: { access: ['leader'] }, schema: { tags, summary: 'Unpin a topic', params: idParams, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await unpinHotspot(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/tasks/:id/risk',
      {
        config: { access: ['admin', 'supervisor', 'leader', 'auditor', 'department'] },
        schema: { tags, summary: 'The chance the task ends red (早期预警), with its reasons; or why none is shown', params: idParams, response: { 200: taskRiskAnswer, ...errors } },
      },
      async (request) => taskRisk(deps, requireUser(request), request.params.id),
    );
    app.get(
      '/api/ai/risk',
      { config: { access: ['admin', 'leader'] }, schema: { tags, summary: 'The red-risk model: held-out Brier and AUC against the baseline, history size', response: { 200: riskModelAnswer, ...errors } } },
      async () => riskModelStatus(deps),
    );
    app.post(
      '/api/ai/risk',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Retrain the red-risk model now (a BullMQ job)', response: { 202: z.object({ version: z.number().int(), status: z.literal('training') }), ...errors } } },
      async (request, reply) => reply.code(202).send(await requestRiskTraining(deps, requireUser(request))),
    );
    app.post(
      '/api/ai/history',
      {
        config: { access: ['admin'] },
        bodyLimit: HISTORY_BODY_LIMIT,
        schema: { tags, summary: 'Import past work orders (CSV or JSONL) as training history: all rows or none', body: historyBody, response: { 201: historyAnswer, ...errors } },
      },
      async (request, reply) => reply.code(201).send(await importHistory(deps, requireUser(request), request.body)),
    );
    app.get(
      '/api/ai/models',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Training runs and their held-out figures, newest first', response: { 200: z.object({ models: z.array(modelSummary) }), ...errors } } },
      async () => listModels(deps),
    );
    app.post(
      '/api/ai/models',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Retrain now (a BullMQ job; poll its progress)', body: retrainBody, response: { 202: z.object({ version: z.number().int(), status: z.literal('training') }), ...errors } } },
      async (request, reply) => reply.code(202).send(await requestRetraining(deps, requireUser(request), request.body)),
    );
    app.get(
      '/api/ai/models/:version',
      { config: { access: ['admin'] }, schema: { tags, summary: 'One training run: progress, status, figures', params: versionParams, response: { 200: modelSummary, ...errors } } },
      async (request) => getModel(deps, request.params.version),
    );
    app.get(
      '/api/ai/auto-dispatch',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Auto-dispatch switches per kind', response: { 200: autoDispatchAnswer, ...errors } } },
      async () => getAutoDispatch(deps),
    );
    app.put(
      '/api/ai/auto-dispatch/:kind',
      { config: { access: ['admin'] }, schema: { tags, summary: 'Switch auto-dispatch on or off for a kind', params: kindParams, body: autoDispatchBody, response: { 200: autoDispatchAnswer, ...errors } } },
      async (request) => switchAutoDispatch(deps, requireUser(request), request.params.kind, request.body.enabled),
    );
  };
}
