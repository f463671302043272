// The audit read side over HTTP: history in plain words, state at a point, verification and the raw
// export — all from Temporal's histories (or their archive). Every read here is audit-logged.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isGrpcServiceError } from '@temporalio/client';
import { ItemNotFoundError } from '../../archive/histories';
import { ReplayPointError } from '../../audit/replay';
import { closeReplayer } from '../../audit/verify';
import { pickLang } from '../../audit/render';
import { itemHistory, itemStateAt, itemVerification, rawHistories, rawHistoryAppendix, type AuditDeps } from '../../audit/service';
import { dossierAppendixProviders, type DossierAppendixProvider } from '../services/exports/dossier-appendix';
import { AppError, fieldError } from '../errors';
import type { ApiDeps } from '../deps';
import { errorBody, idParams } from '../schemas/errors';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody };

const historyLine = z.looseObject({
  seq: z.number(),
  at: z.string(),
  localTime: z.string(),
  text: z.string(),
  action: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  eventId: z.number(),
  ref: z.string(),
});
const historyView = z.looseObject({ itemId: z.string(), lang: z.enum(['zh', 'en']), source: z.enum(['temporal', 'archive']), events: z.array(historyLine) });
const replayed = z.looseObject({ at: z.looseObject({ kind: z.enum(['time', 'event']), time: z.string() }), item: z.unknown(), tasks: z.array(z.unknown()) });
const verifyReport = z.looseObject({
  replay: z.looseObject({ ok: z.boolean(), details: z.array(z.unknown()) }),
  readModel: z.looseObject({ ok: z.boolean(), differences: z.array(z.unknown()) }),
});
const rawExport = z.looseObject({ itemId: z.string(), workflows: z.array(z.looseObject({ workflowId: z.string(), runId: z.string(), history: z.unknown() })) });

/** Audit failures in the API's terms; a Temporal that does not answer is a 503, never a 500. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ItemNotFoundError) throw new AppError('not_found', 'No such item.');
    if (error instanceof ReplayPointError)
      throw fieldError('validation_failed', 'querystring.at', error.message, '既不是带时区的 ISO-8601 时刻，也不是事件编号（<eventId> 或 <workflowId>:<runId>:<eventId>）');
    if (isGrpcServiceError(error) && /unavailable|connect|deadline/i.test(error.message)) throw new AppError('unavailable', 'Temporal is not reachable.');
    throw error;
  }
}

/** The dossier PDF's raw-history appendix (registered once per process). */
const rawHistoryAppendixProvider: DossierAppendixProvider = (deps, itemId) => rawHistoryAppendix({ client: deps.temporal, db: deps.database.db }, itemId);

export function auditRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const audit = (): AuditDeps => ({ client: deps.temporal, db: deps.database.db });
  if (!dossierAppendixProviders.includes(rawHistoryAppendixProvider)) dossierAppendixProviders.push(rawHistoryAppendixProvider);
  return async (app) => {
    // The process's replay worker (audit/replayer.ts), started by the first verification, ends with the app.
    app.addHook('onClose', closeReplayer);
    app.get(
      '/api/items/:id/history',
      {
        config: { access: ['auditor', 'supervisor', 'leader'], auditRead: true },
        schema: {
          tags: ['audit'],
          summary: "The item's and its tasks' events from Temporal's histories, merged in time order, in plain words (?lang=zh|en or Accept-Language; ?raw=1 adds each event's payload)",
          params: idParams,
          querystring: z.object({ lang: z.enum(['zh', 'en']).optional(), raw: z.enum(['0', '1', 'true', 'false']).optional() }),
          response: { 200: historyView, ...errors },
        },
      },
      async (request) => {
        const lang = pickLang(request.query.lang, request.headers['accept-language']);
        const raw = request.query.raw === '1' || request.query.raw === 'true';
        return answer(() => itemHistory(audit(), request.params.id, lang, { raw }));
      },
    );
    app.get(
      '/api/items/:id/replay',
      {
        config: { access: ['auditor'], auditRead: true },
        schema: {
          tags: ['audit'],
          summary: "The item's state at a point (an ISO instant or an event ref from the history view), rebuilt by folding its histories through the domain rules",
          params: idParams,
          querystring: z.object({ at: z.string().min(1).max(300) }),
          response: { 200: replayed, ...errors },
        },
      },
      async (request) => answer(() => itemStateAt(audit(), request.params.id, request.query.at)),
    );
    app.get(
      '/api/items/:id/verify',
      {
        config: { access: ['auditor'], auditRead: true },
        schema: {
          tags: ['audit'],
          summary: "Today's workflow code replays the recorded histories exactly, and the read model agrees with the workflows",
          params: idParams,
          response: { 200: verifyReport, ...errors },
        },
      },
      async (request) => answer(() => itemVerification(audit(), request.params.id)),
    );
    app.get(
      '/api/items/:id/history/raw',
      {
        config: { access: ['auditor'], auditRead: true },
        schema: {
          tags: ['audit'],
          summary: "The item's and its tasks' histories in Temporal's own JSON format (one per run)",
          params: idParams,
          response: { 200: rawExport, ...errors },
        },
      },
      async (request) => answer(() => rawHistories(audit(), request.params.id)),
    );
  };
}
