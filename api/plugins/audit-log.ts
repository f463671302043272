/**
 * Writes the audit log: every write request (POST/PUT/PATCH/DELETE on a known route, whatever its
 * outcome) and every read of a route marked `config: { auditRead: true }` (history, replay,
 * verify, raw history, dossiers, exports). The row is committed before the answer leaves (with the
 * other such writes: plugins/commit-before-answer.ts), so what a client saw answered is always in the log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAuditEntry } from '../../db/queries/audit-log';
import type { ApiDeps } from '../deps';
import { commitBeforeAnswer } from './commit-before-answer';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a handler when the target is not the `:id` param (e.g. the id it just created). */
    auditTarget: string | null;
    /** Set for a caller that is not a session user (a service account): who the row names. */
    auditActor: { id: string; username: string; role: string } | null;
  }
  interface FastifyContextConfig {
    /** Log reads of this route in the audit log too. */
    auditRead?: boolean;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_TARGET = 200;
const MAX_PATH = 500;

function targetOf(request: FastifyRequest, reply: FastifyReply, payload: unknown): string | null {
  if (request.auditTarget) return request.auditTarget;
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const name of ['id', 'kind', 'year']) {
    if (typeof params[name] === 'string' || typeof params[name] === 'number') return String(params[name]);
  }
  // A create answers with the new record's id.
  if (reply.statusCode < 300 && typeof payload === 'string' && payload.length < 65_536 && payload.startsWith('{')) {
    try {
      const id = (JSON.parse(payload) as { id?: unknown }).id;
      if (typeof id === 'string') return id;
    } catch {
      // not JSON after all: no target
    }
  }
  return null;
}

export function installAuditLog(app: FastifyInstance, deps: ApiDeps): void {
  app.decorateRequest('auditTarget', null);
  app.decorateRequest('auditActor', null);
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url;
    if (route === undefined) return payload;
    if (!WRITE_METHODS.has(request.method) && !request.routeOptions.config.auditRead) return payload;
    const user = request.user ?? request.auditActor;
    // Committed before the answer leaves, together with the stored Idempotency-Key answer.
    commitBeforeAnswer(
      request,
      appendAuditEntry(deps.database.db, {
        at: new Date(),
        actorId: user?.id ?? null,
        actorUsername: user?.username ?? null,
        actorRole: user?.role ?? null,
        actorDepartmentId: request.user?.departmentId ?? null,
        action: `${request.method} ${route}`,
        path: request.url.split('?')[0]!.slice(0, MAX_PATH),
        targetId: targetOf(request, reply, payload)?.slice(0, MAX_TARGET) ?? null,
        status: reply.statusCode,
        requestId: String(request.id),
      }).catch((error: unknown) => {
        // The work is done by now; failing the answer would make the client retry a completed write.
        request.log.error({ err: error }, 'audit log append failed');
      }),
    );
    return payload;
  });
}
