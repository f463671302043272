/**
 * Limits on guessing a password (logging in, changing one's own password), after OWASP's advice:
 * failures count per (account, address) pair and per address, never per account alone, so nobody
 * can lock someone else out; past a few free failures each further attempt waits a delay that
 * doubles (capped) instead of a hard lock. An attempt counts BEFORE the password is checked, in one
 * atomic Redis step (rate-limiter-flexible), so parallel guesses cannot slip past the count; past the
 * free failures a gate lets one attempt at a time through, and after its failure stays shut for the
 * delay.
 * The per-address request limit is @fastify/rate-limit's, on the login route.
 */
import ipaddr from 'ipaddr.js';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../errors';

export const LOGIN_ATTEMPTS_PER_ADDRESS = 30;
export const LOGIN_ADDRESS_WINDOW = '1 minute';

export interface GuessRule {
  /** Failures allowed before the delays start. */
  freeFailures: number;
  /** How long failures are remembered, from the first one. */
  memorySeconds: number;
  /** On a right guess: forget the key's failures, or only refund this attempt. */
  onSuccess: 'forget' | 'refund';
}

/** One account from one address (or one signed-in user changing a password). */
export const PER_ACCOUNT: GuessRule = { freeFailures: 5, memorySeconds: 60 * 60, onSuccess: 'forget' };
/** One address across accounts (a whole office may share it behind NAT: more generous). */
export const PER_ADDRESS: GuessRule = { freeFailures: 20, memorySeconds: 60 * 60, onSuccess: 'refund' };
export const MAX_DELAY_SECONDS = 15 * 60;

export interface Guard {
  key: string;
  rule: GuessRule;
}

/** Seconds the next attempt waits after `failures` failures: 0, then 1, 2, 4, … up to the cap. */
export function delayAfter(failures: number, rule: GuessRule): number {
  const beyond = failures - rule.freeFailures;
  return beyond <= 0 ? 0 : Math.min(2 ** (beyond - 1), MAX_DELAY_SECONDS);
}

/** An address as the limits count it: IPv4-mapped IPv6 as IPv4, IPv6 by its /64 (one subscriber's). */
export function addressKey(ip: string | null): string {
  if (!ip || !ipaddr.isValid(ip)) return `other:${ip ?? 'unknown'}`;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${(address as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
}

export function loginGuards(username: string, ip: string | null): Guard[] {
  const address = addressKey(ip);
  return [
    { key: `login:${address}:${username.toLowerCase()}`, rule: PER_ACCOUNT },
    { key: `login:${address}`, rule: PER_ADDRESS },
  ];
}

export function passwordChangeGuards(userId: string, ip: string | null): Guard[] {
  return [
    { key: `password-change:user:${userId}`, rule: PER_ACCOUNT },
    { key: `password-change:${addressKey(ip)}`, rule: PER_ADDRESS },
  ];
}

const REDIS_TIMEOUT_MS = 2000;

function unavailable(): AppError {
  return new AppError('unavailable', 'Sign-ins are paused: the login throttle (Redis) does not answer.', {
    messageZh: '登录限流服务（Redis）无响应，暂停登录，请稍后再试。',
  });
}

/**
 * The shared Redis client queues commands while disconnected (BullMQ needs that); guesses must not
 * hang meanwhile, nor go uncounted: without Redis they fail closed with 503. A refusal by the
 * limiter itself (RateLimiterRes) passes through.
 */
async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable()), REDIS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    throw error instanceof RateLimiterRes || error instanceof AppError ? error : unavailable();
  } finally {
    clearTimeout(timer);
  }
}

export function tooManyGuesses(waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('rate_limited', `Too many failed attempts from here; try again in ${seconds} s.`, {
    retryAfterSeconds: seconds,
    messageZh: `失败次数过多，请 ${seconds} 秒后再试。`,
  });
}

export interface GuessAttempt {
  /** The guess was right: the pair's failures are forgotten, the address's refunded. */
  succeeded(): Promise<void>;
  /** The guess was wrong: it stays counted, and a delay past the free failures starts now. */
  failed(): Promise<void>;
}

/** How long an attempt past the free ones holds its gate while its password is checked (argon2 is slow). */
const CHECK_HOLD_SECONDS = 30;

export function guessLimiter(redis: Redis, prefix: string) {
  const common = { storeClient: redis, rejectIfRedisNotReady: true };
  const failures = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:guesses`, points: 1, duration: 60 });
  // One attempt at a time past the free ones: of parallel attempts only the first passes the gate.
  const gate = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:guess-wait`, points: 1, duration: 1 });
  const remember = (guard: Guard, points: number) =>
    points > 0
      ? failures.penalty(guard.key, points, { customDuration: guard.rule.memorySeconds })
      : failures.reward(guard.key, -points, { customDuration: guard.rule.memorySeconds });

  /** Milliseconds until the guard's gate opens, or 0 when this attempt now holds it. */
  async function takeGate(guard: Guard): Promise<number> {
    try {
      await bounded(gate.consume(guard.key, 1, { customDuration: CHECK_HOLD_SECONDS }));
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(error.msBeforeNext, 1);
      throw error;
    }
  }

  /** Takes the gate of every guard past its free failures, or gives back what it took and refuses. */
  async function pass(guards: Guard[], counts: number[]): Promise<Guard[]> {
    const held: Guard[] = [];
    for (const [i, guard] of guards.entries()) {
      if (delayAfter(counts[i]!, guard.rule) === 0) continue;
      const waitMs = await takeGate(guard);
      if (waitMs > 0) {
        // A refused attempt checked nothing: it does not count as a failure.
        await bounded(Promise.all([...held.map((g) => gate.delete(g.key)), ...guards.map((g) => remember(g, -1))]));
        throw tooManyGuesses(waitMs);
      }
      held.push(guard);
    }
    return held;
  }

  /** The delay runs from the failure, by the failures counted now (refused parallel attempts refunded). */
  async function startDelay(guard: Guard): Promise<void> {
    const counted = await failures.get(guard.key);
    const delay = delayAfter(counted?.consumedPoints ?? 0, guard.rule);
    await (delay > 0 ? gate.set(guard.key, 1, delay) : gate.delete(guard.key));
  }

  return {
    /** Counts the attempt under every guard, or refuses it (429) while a guard's delay runs. */
    async begin(guards: Guard[]): Promise<GuessAttempt> {
      const counted = await bounded(Promise.all(guards.map((g) => remember(g, 1))));
      const held = await pass(guards, counted.map((c) => c.consumedPoints));
      return {
        async succeeded() {
          const forget = (g: Guard) => (g.rule.onSuccess === 'forget' ? failures.delete(g.key) : remember(g, -1));
          await bounded(Promise.all([...guards.map(forget), ...held.map((g) => gate.delete(g.key))]));
        },
        async failed() {
          await bounded(Promise.all(held.map(startDelay)));
        },
      };
    },
  };
}
