import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps';
import { AppError } from '../errors';

/**
 * Per-address limits, only where a route asks (`config.rateLimit`), counted in Redis so several
 * API processes share them. Redis down → requests pass (the per-username throttle still fails closed).
 */
export async function installRateLimit(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: `${deps.config.QUEUE_PREFIX}:rate-limit:`,
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests from this address; retry in ${context.after}.`, { retryAfter: context.after }),
  });
}
