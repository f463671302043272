import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { ApiDeps } from '../deps';
import { AppError } from '../errors';

/**
 * Per-address limits, only where a route asks (`config.rateLimit`), counted in Redis so several
 * API processes share them. Its own Redis connection fails fast instead of queueing (the shared one
 * waits out outages for BullMQ): with Redis down the address limit is skipped, and logins are then
 * refused by the guess limits (services/auth/login-throttle.ts: 503) rather than left hanging.
 */
export async function installRateLimit(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const redis = new Redis(deps.config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  redis.on('error', () => {}); // reported by /api/health; here a failing call just skips the limit
  app.addHook('onClose', async () => redis.disconnect());
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: `${deps.config.QUEUE_PREFIX}:rate-limit:`,
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests from this address; retry in ${context.after}.`, { retryAfter: context.after }),
  });
}
