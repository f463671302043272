// GET /api/items/:id/dossier.pdf: the electronic dossier of one item, with whatever appendix the
// audit module supplies (dossier-appendix.ts). Rendered on worker threads (dossier-render-pool.ts)
// and limited per user: each one costs a good share of a CPU.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { loadDossierData } from '../../../jobs/exports/dossier-data';
import type { AppendixSection } from '../../../jobs/exports/dossier-pdf';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { dossierAppendix } from './dossier-appendix';

type DossierDeps = ApiDeps;

export async function buildDossier(
  deps: DossierDeps,
  user: Pick<SessionUser, 'id'>,
  itemId: string,
  extra: AppendixSection[] = [],
): Promise<{ bytes: Buffer; fileName: string }> {
  await takeDossierTurn(deps, user.id);
  const data = await loadDossierData(deps.database.db, itemId);
  if (!data) throw new AppError('not_found', 'No such item.');
  const appendix = [...(await dossierAppendix(deps, itemId)), ...extra];
  const bytes = await deps.dossierRenderer.render(data, { appendix });
  return { bytes, fileName: `dossier-${data.item.code}.pdf` };
}

/** One limiter per Redis client (per API process); in memory while Redis is not ready. */
const limiters = new WeakMap<object, RateLimiterRedis>();

function dossierLimiter(deps: Pick<ApiDeps, 'config' | 'redis'>): RateLimiterRedis {
  let limiter = limiters.get(deps.redis);
  if (!limiter) {
    const points = deps.config.DOSSIERS_PER_MINUTE;
    limiter = new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: `${deps.config.QUEUE_PREFIX}:dossier-limit`,
      points,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
    limiters.set(deps.redis, limiter);
  }
  return limiter;
}

/** A user past DOSSIERS_PER_MINUTE gets a 429 saying when to try again, in English and Chinese. */
async function takeDossierTurn(deps: Pick<ApiDeps, 'config' | 'redis'>, userId: string): Promise<void> {
  try {
    await dossierLimiter(deps).consume(userId);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    const limit = deps.config.DOSSIERS_PER_MINUTE;
    throw new AppError('rate_limited', `At most ${limit} dossiers a minute; try again in ${seconds} s.`, {
      retryAfterSeconds: seconds,
      messageZh: `每分钟最多生成 ${limit} 份电子案卷，请 ${seconds} 秒后再试。`,
    });
  }
}
