/**
 * The public appeal page's captcha: an ALTCHA proof-of-work challenge (altcha-lib), signed with a key
 * derived from SESSION_SECRET so any API process verifies any other's, valid for ten minutes, and
 * spent once (its signature remembered in Redis until it expires).
 */
import { createHmac } from 'node:crypto';
import { createChallenge, verifySolution, type Challenge, type Payload } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';

type Deps = Pick<ApiDeps, 'config' | 'redis'>;

const LIFETIME_MS = 10 * 60_000;
/** About 4,096 tries of two SHA-256 rounds: a second on a phone, a cost per submission to a bot. */
const ALGORITHM = { algorithm: 'SHA-256', cost: 2, keyPrefix: '000' } as const;

const secretOf = (deps: Deps) => createHmac('sha256', deps.config.SESSION_SECRET).update('altcha-public-appeals').digest('hex');

export async function newChallenge(deps: Deps): Promise<Challenge> {
  return createChallenge({ ...ALGORITHM, deriveKey, hmacSignatureSecret: secretOf(deps), expiresAt: new Date(Date.now() + LIFETIME_MS) });
}

const refused = (en: string, zh: string) => fieldError('rule_violation', 'body.captcha', en, zh, `body.captcha: ${en}`);

function decode(captcha: string): Payload {
  try {
    const payload = JSON.parse(Buffer.from(captcha, 'base64').toString('utf8')) as Payload;
    if (payload?.challenge?.parameters && payload.solution) return payload;
  } catch {
    // not base64 JSON: refused below
  }
  throw fieldError('validation_failed', 'body.captcha', 'not an ALTCHA payload (base64 JSON)', '人机验证数据格式不正确');
}

/** Passes a solved, unexpired, never-used challenge; anything else is a 422 naming body.captcha. */
export async function verifyCaptcha(deps: Deps, captcha: string): Promise<void> {
  const payload = decode(captcha);
  const result = await verifySolution({ challenge: payload.challenge, solution: payload.solution, deriveKey, hmacSignatureSecret: secretOf(deps) }).catch(() => null);
  if (!result?.verified) {
    if (result?.expired) throw refused('the captcha has expired; solve a new one', '人机验证已过期，请重新验证');
    throw refused('the captcha is not solved', '人机验证未通过，请重新验证');
  }
  const spent = await deps.redis.set(`${deps.config.QUEUE_PREFIX}:altcha:${payload.challenge.signature}`, '1', 'PX', LIFETIME_MS, 'NX');
  if (spent !== 'OK') throw refused('this captcha was already used; solve a new one', '该人机验证已使用，请重新验证');
}
