// Who is posting a signal: a service account's API key, and an HMAC-SHA256 over `<timestamp>.<raw body>`
// with its secret (the contract in ../shared/API.md). A stale timestamp or a signature seen before is
// refused; every refusal is the same 401, so a caller learns nothing about which part was wrong.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { findServiceAccountByKeyHash } from '../../../db/queries/intake';
import { SIGNATURE_MEMORY_MS, signalTimestampFresh } from '../../../domain/intake';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';

export const signalHeaders = { apiKey: 'x-api-key', timestamp: 'x-timestamp', signature: 'x-signature' } as const;

/** The authenticated caller of a signed request. */
export interface ServiceCaller {
  id: string;
  name: string;
  source: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new account's key (the `svk_` prefix tells it from a session token) and signing secret. */
export function newServiceCredentials(): { apiKey: string; secret: string } {
  return { apiKey: `svk_${randomBytes(24).toString('base64url')}`, secret: randomBytes(32).toString('hex') };
}

/** Hex HMAC-SHA256 of `<timestamp>.<raw body>`: what a caller puts in X-Signature. */
export function signSignal(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

function sameHex(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const refused = () => new AppError('unauthenticated', 'Signal refused: a valid X-Api-Key, a fresh X-Timestamp and its X-Signature are required.');

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
};

/**
 * The caller, or a 401. The signature is remembered in Redis for as long as its timestamp could
 * pass, and only after it checked out (so nobody fills the memory with forgeries); a second use
 * within that time is a replay. Without Redis nothing can tell a replay: 503.
 */
export async function authenticateSignal(deps: Pick<ApiDeps, 'database' | 'redis' | 'config'>, headers: IncomingHttpHeaders, rawBody: string, now: number): Promise<ServiceCaller> {
  const apiKey = header(headers, signalHeaders.apiKey);
  const timestamp = header(headers, signalHeaders.timestamp);
  const signature = header(headers, signalHeaders.signature);
  if (!apiKey || apiKey.length > 200 || !signature || !/^[0-9a-fA-F]{64}$/.test(signature)) throw refused();
  if (!signalTimestampFresh(timestamp, now)) throw refused();
  const account = await findServiceAccountByKeyHash(deps.database.db, hashApiKey(apiKey));
  if (!account || !account.sourceEnabled) throw refused();
  if (!sameHex(signSignal(account.secret, timestamp!, rawBody), signature)) throw refused();
  let first: string | null;
  try {
    first = await deps.redis.set(`${deps.config.QUEUE_PREFIX}:intake-signature:${signature.toLowerCase()}`, account.id, 'PX', SIGNATURE_MEMORY_MS, 'NX');
  } catch {
    throw new AppError('unavailable', 'Signals cannot be checked for replays right now (Redis unavailable); retry later.');
  }
  if (first === null) throw refused();
  return { id: account.id, name: account.name, source: account.source };
}
