import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../authz';
import type { ApiDeps } from '../deps';
import { AppError, type ErrorBody } from '../errors';

export const bullBoardPath = '/admin/queues';

/**
 * Bull Board (queue health, failed jobs with their errors, retry) for admins only. Bull Board's own
 * UI cannot send our CSRF header, so its cookie-authenticated writes (retry, clean) must come from
 * our own origin instead.
 */
export async function mountBullBoard(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(bullBoardPath);
  createBullBoard({
    queues: [new BullMQAdapter(deps.queues.notifications), new BullMQAdapter(deps.queues.exports)],
    serverAdapter,
    options: { uiConfig: { boardTitle: '督查督办 queues' } },
  });
  await app.register(async (scope) => {
    // request.user was set by the auth plugin's onRequest hook at the root; this runs after it.
    // Answered here rather than thrown: Bull Board installs its own error handler in this scope.
    scope.addHook('onRequest', async (request, reply) => {
      try {
        requireRole(request, 'admin');
        if (request.session?.via === 'cookie' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !sameOrigin(request)) {
          throw new AppError('forbidden', 'Queue actions must come from this site.');
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return reply.code(error.status).send({ error: { code: error.code, message: error.message } } satisfies ErrorBody);
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: bullBoardPath });
  });
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin ?? request.headers.referer;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}
