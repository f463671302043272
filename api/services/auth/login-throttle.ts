/**
 * Per-username login throttle: failed attempts are counted in Redis for a window; past the limit
 * the username is refused (429) whatever the password, until the window ends. The per-address
 * limit is @fastify/rate-limit's, on the login route.
 */
import type { Redis } from 'ioredis';
import { AppError } from '../../errors';

export const LOGIN_FAILURES_PER_USERNAME = 10;
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;
export const LOGIN_ATTEMPTS_PER_ADDRESS = 30;
export const LOGIN_ADDRESS_WINDOW = '1 minute';

const REDIS_TIMEOUT_MS = 2000;

/**
 * The shared Redis client queues commands while disconnected (BullMQ needs that); logins must not
 * hang meanwhile, nor go unthrottled: without Redis they fail closed with 503.
 */
function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('unavailable', 'Logins are paused: the login throttle (Redis) does not answer.')),
      REDIS_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function loginThrottle(redis: Redis, prefix: string) {
  const keyOf = (username: string) => `${prefix}:login-failures:${username.toLowerCase()}`;
  return {
    /** Seconds until the username may try again, or 0. */
    async blockedFor(username: string): Promise<number> {
      const [count, ttl] = await bounded(Promise.all([redis.get(keyOf(username)), redis.ttl(keyOf(username))]));
      return Number(count ?? 0) >= LOGIN_FAILURES_PER_USERNAME ? Math.max(ttl, 1) : 0;
    },
    async recordFailure(username: string): Promise<void> {
      const key = keyOf(username);
      // One round trip; the window starts with the first failure (SET NX EX works on every Redis version).
      await bounded(redis.multi().set(key, 0, 'EX', LOGIN_FAILURE_WINDOW_SECONDS, 'NX').incr(key).exec());
    },
    async reset(username: string): Promise<void> {
      await bounded(redis.del(keyOf(username)));
    },
  };
}
