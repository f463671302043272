/**
 * What a citizen may do without an account: submit an appeal (captcha first) and follow it with the
 * query code and the phone it was filed with. A wrong phone and an unknown code answer the same 404,
 * and each such miss counts against the address and against the code: past a few, 429 even for the
 * right phone, so codes cannot be tried against phones, nor phones against a code.
 */
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { findAppeal, findAppealByQueryCode } from '../../../db/queries/appeals';
import { currentPrimaryOf } from '../../../db/queries/merges';
import type { AppealRow } from '../../../db/schema/appeals';
import { citizenStatus, normalPhone } from '../../../domain/appeals';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import type { PublicAppealBody } from '../../schemas/appeals';
import { addressKey, tooManyGuesses } from '../auth/login-throttle';
import { verifyCaptcha } from './captcha';
import { registerAppeal } from './register';

type Deps = Pick<ApiDeps, 'config' | 'database' | 'redis' | 'queues' | 'temporal'>;

/** Misses remembered per code (from any address) and per address (across codes). */
export const MISSES_PER_CODE = 5;
export const MISSES_PER_ADDRESS = 20;
const MISS_MEMORY_SECONDS = 15 * 60;

export async function submitPublicAppeal(deps: Deps, body: PublicAppealBody): Promise<{ queryCode: string }> {
  await verifyCaptcha(deps, body.captcha);
  const { text, title, citizenName, phone, place, attachmentIds } = body;
  const { queryCode } = await registerAppeal(deps, null, { text, title, citizenName, phone, place, attachmentIds, channel: 'web' });
  return { queryCode };
}

const limiters = new WeakMap<object, { code: RateLimiterRedis; address: RateLimiterRedis }>();

function missLimiters(deps: Deps) {
  let found = limiters.get(deps.redis);
  if (!found) {
    const common = { storeClient: deps.redis, duration: MISS_MEMORY_SECONDS };
    found = {
      code: new RateLimiterRedis({ ...common, points: MISSES_PER_CODE, keyPrefix: `${deps.config.QUEUE_PREFIX}:appeal-query-code` }),
      address: new RateLimiterRedis({ ...common, points: MISSES_PER_ADDRESS, keyPrefix: `${deps.config.QUEUE_PREFIX}:appeal-query-address` }),
    };
    limiters.set(deps.redis, found);
  }
  return found;
}

async function refuseIfTooManyMisses(deps: Deps, keys: { code: string; address: string }) {
  const l = missLimiters(deps);
  const [code, address] = await Promise.all([l.code.get(keys.code), l.address.get(keys.address)]);
  const over = [
    [code, MISSES_PER_CODE],
    [address, MISSES_PER_ADDRESS],
  ] as const;
  for (const [state, limit] of over) if (state && state.consumedPoints >= limit) throw tooManyGuesses(state.msBeforeNext);
}

async function countMiss(deps: Deps, keys: { code: string; address: string }) {
  const l = missLimiters(deps);
  await Promise.all([l.code.penalty(keys.code, 1), l.address.penalty(keys.address, 1)]);
}

export async function citizenQuery(deps: Deps, queryCode: string, phone: string, ip: string | null) {
  const keys = { code: queryCode, address: addressKey(ip) };
  await refuseIfTooManyMisses(deps, keys);
  const row = await findAppealByQueryCode(deps.database.db, queryCode);
  if (!row || normalPhone(row.phone) !== normalPhone(phone)) {
    await countMiss(deps, keys);
    throw new AppError('not_found', 'No appeal with this query code and phone.', { messageZh: '没有与该查询码和电话相符的诉求。' });
  }
  return citizenView(row, await followedAppeal(deps, row));
}

/** A merged appeal's citizen follows the primary appeal: its status and its reply. */
async function followedAppeal(deps: Deps, row: AppealRow): Promise<AppealRow> {
  const primary = await currentPrimaryOf(deps.database.db, row.id);
  return (primary && (await findAppeal(deps.database.db, primary.id))) || row;
}

function citizenView(own: AppealRow, row: AppealRow) {
  const replied = row.replyText !== null && row.repliedAt !== null && row.stage !== 'dispatched';
  return {
    status: citizenStatus(row.stage),
    submittedAt: own.createdAt.toISOString(),
    ...(replied ? { reply: row.replyText!, repliedAt: row.repliedAt!.toISOString() } : {}),
  };
}
