// A request that meets Postgres down or restarting is answered 503 "retry", in both languages, not 500;
// and the pool's reconnect pause stays short, so the first query after an outage is not held back.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../../api/plugins/error-handler';
import { reconnectDelaySeconds } from '../../../db/client';

function appThrowing(error: unknown) {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.post('/write', async () => {
    throw error;
  });
  return app;
}

/** What drizzle throws around a postgres.js error: the driver's error as `cause`. */
function drizzleError(code: string) {
  return Object.assign(new Error('Failed query: select …'), { cause: Object.assign(new Error('driver'), { code }) });
}

describe('database unreachable', () => {
  it.each([
    ['connection refused (stopped)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['connection closed mid-query', drizzleError('CONNECTION_CLOSED')],
    ['shutting down / starting up (57P03)', drizzleError('57P03')],
    ['terminated by the administrator (57P01)', drizzleError('57P01')],
  ])('%s: 503 with Retry-After and a Chinese message', async (_, error) => {
    const response = await appThrowing(error).inject({ method: 'POST', url: '/write' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    const body = response.json();
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toContain('same Idempotency-Key');
    expect(body.error.details.messageZh).toContain('数据库暂时无响应');
  });

  it('a constraint violation is still the caller\'s 409, and an unknown error still a 500', async () => {
    expect((await appThrowing(drizzleError('23505')).inject({ method: 'POST', url: '/write' })).statusCode).toBe(409);
    expect((await appThrowing(new Error('bug')).inject({ method: 'POST', url: '/write' })).statusCode).toBe(500);
  });

  it('a connection waits at most a second before it tries again, however many failures the pool has seen', () => {
    const delays = Array.from({ length: 40 }, (_, retries) => reconnectDelaySeconds(retries));
    expect(Math.max(...delays)).toBeLessThanOrEqual(1);
    expect(reconnectDelaySeconds(0)).toBeLessThanOrEqual(0.05);
    // postgres.js's own default would wait 10–20 s after the 8th failure.
    expect(reconnectDelaySeconds(8)).toBeGreaterThanOrEqual(0.5);
  });
});
