/**
 * Per-username login throttle: failed attempts are counted in Redis for a window; past the limit
 * the username is refused (429) whatever the password, until the window ends. The per-address
 * limit is @fastify/rate-limit's, on the login route.
 */
import type { Redis } from 'ioredis';

export const LOGIN_FAILURES_PER_USERNAME = 10;
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;
export const LOGIN_ATTEMPTS_PER_ADDRESS = 30;
export const LOGIN_ADDRESS_WINDOW = '1 minute';

export function loginThrottle(redis: Redis, prefix: string) {
  const keyOf = (username: string) => `${prefix}:login-failures:${username.toLowerCase()}`;
  return {
    /** Seconds until the username may try again, or 0. */
    async blockedFor(username: string): Promise<number> {
      const [count, ttl] = await Promise.all([redis.get(keyOf(username)), redis.ttl(keyOf(username))]);
      return Number(count ?? 0) >= LOGIN_FAILURES_PER_USERNAME ? Math.max(ttl, 1) : 0;
    },
    async recordFailure(username: string): Promise<void> {
      const key = keyOf(username);
      const count = await redis.incr(key);
      if (count === 1) await redis.expire(key, LOGIN_FAILURE_WINDOW_SECONDS);
    },
    async reset(username: string): Promise<void> {
      await redis.del(keyOf(username));
    },
  };
}
