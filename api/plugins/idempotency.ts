/**
 * `Idempotency-Key` on writes: the first request with a key (per user) runs and its answer (status
 * and body) is stored; a repeat gets that answer back with `Idempotent-Replayed: true` and runs
 * nothing. A racer that arrives while the first is still running waits for its answer. The key is
 * exposed as `request.idempotencyKey` so services can pass it on (e.g. as a Temporal Update id).
 *
 * Keys are scoped to the user, so only authenticated writes take part. A 5xx answer frees the key:
 * the client may retry, and the work below (Temporal Update ids) dedupes on the same key.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  deleteIdempotencyKeysBefore,
  findIdempotencyKey,
  releaseIdempotencyKey,
  takeOverStaleKey,
  type IdempotencyScope,
} from '../../db/queries/idempotency';
import type { ApiDeps } from '../deps';
import { AppError } from '../errors';
import { commitBeforeAnswer } from './commit-before-answer';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/; // printable ASCII, as the IETF draft's examples
const WAIT_STEP_MS = 50;

export interface IdempotencyOptions {
  /** How long a racer waits for the first request's answer before answering 409. */
  waitForFirstMs?: number;
  /** A pending key older than this is considered abandoned (its process died) and may be re-run. */
  abandonedAfterMs?: number;
  /** How long a finished key's answer is kept for repeats (as Stripe: a day). */
  keepAnswersMs?: number;
}

// Old keys are swept by the requests themselves, about once per this many claims: no cron needed.
const SWEEP_EVERY = 200;

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's Idempotency-Key, when it sent one (writes only). */
    idempotencyKey: string | null;
    idempotencyClaim: IdempotencyScope | null;
  }
  interface FastifyContextConfig {
    /** false: the route never stores its request or answer (a password in the body, a session token in the answer). */
    idempotency?: boolean;
  }
}

function fingerprint(request: FastifyRequest): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([request.params ?? null, request.query ?? null, request.body ?? null]))
    .digest('hex');
  return `${request.method} ${request.routeOptions.url} ${digest}`;
}

function replay(reply: FastifyReply, stored: { responseStatus: number | null; responseBody: string | null; responseContentType: string | null }) {
  reply.code(stored.responseStatus ?? 200).header(REPLAYED_HEADER, 'true');
  if (stored.responseContentType) reply.type(stored.responseContentType);
  return reply.send(stored.responseBody ?? undefined);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function installIdempotency(app: FastifyInstance, deps: ApiDeps, options: IdempotencyOptions = {}): void {
  const waitForFirstMs = options.waitForFirstMs ?? 30_000;
  const abandonedAfterMs = options.abandonedAfterMs ?? 5 * 60_000;
  const keepAnswersMs = options.keepAnswersMs ?? 24 * 60 * 60_000;
  const db = deps.database.db;
  app.decorateRequest('idempotencyKey', null);
  app.decorateRequest('idempotencyClaim', null);

  // preHandler: after authentication, authorization and body validation — a malformed request
  // never claims a key, so fixing the body and retrying with the same key works.
  app.addHook('preHandler', async (request, reply) => {
    if (!WRITE_METHODS.has(request.method) || request.routeOptions.config.idempotency === false) return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return;
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 printable ASCII characters', {
        fields: [{ field: 'headers.idempotency-key', message: 'must be 1–255 printable ASCII characters' }],
      });
    }
    request.idempotencyKey = header;
    if (!request.user) return;
    const scope = { userId: request.user.id, key: header };
    const print = fingerprint(request);
    if (await claimIdempotencyKey(db, scope, print)) {
      request.idempotencyClaim = scope;
      if (Math.random() < 1 / SWEEP_EVERY) {
        deleteIdempotencyKeysBefore(db, new Date(Date.now() - keepAnswersMs)).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency sweep failed'));
      }
      return;
    }
    const deadline = Date.now() + waitForFirstMs;
    for (;;) {
      const stored = await findIdempotencyKey(db, scope);
      if (!stored) {
        // The first attempt failed and freed the key: this one runs instead.
        if (await claimIdempotencyKey(db, scope, print)) {
          request.idempotencyClaim = scope;
          return;
        }
        continue;
      }
      if (stored.requestFingerprint !== print) {
        throw new AppError('rule_violation', 'This Idempotency-Key was already used for a different request.', {
          fields: [{ field: 'headers.idempotency-key', message: 'already used for a different request' }],
        });
      }
      if (stored.state === 'done') return replay(reply, stored);
      if (await takeOverStaleKey(db, scope, new Date(Date.now() - abandonedAfterMs))) {
        request.idempotencyClaim = scope;
        return;
      }
      if (Date.now() > deadline) throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed; retry later.');
      await sleep(WAIT_STEP_MS);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const scope = request.idempotencyClaim;
    if (!scope) return payload;
    request.idempotencyClaim = null;
    if (reply.statusCode >= 500 || (typeof payload !== 'string' && payload !== null && payload !== undefined && !Buffer.isBuffer(payload))) {
      // Not replayable (server error, or a stream): let a retry run again.
      // Postgres may be what failed: the key then stays claimed until it is stale (abandonedAfterMs).
      await releaseIdempotencyKey(db, scope).catch((error: unknown) => request.log.warn({ err: error }, 'idempotency key not released'));
      return payload;
    }
    const body = payload === null || payload === undefined ? '' : payload.toString();
    const contentType = reply.getHeader('content-type');
    // Stored alongside the audit row, not after it (plugins/commit-before-answer.ts). When it cannot be
    // stored (Postgres went away after the work was done) the answer still tells what happened: a 5xx
    // would have the client believe a done write was refused. The key stays claimed; a retry takes it
    // over once it is stale and runs again, and the work below dedupes on the same key (Update ids).
    const answer = { status: reply.statusCode, body, contentType: typeof contentType === 'string' ? contentType : null };
    commitBeforeAnswer(
      request,
      completeIdempotencyKey(db, scope, answer).catch((error: unknown) => request.log.error({ err: error }, 'idempotency answer not stored')),
    );
    return payload;
  });
}
