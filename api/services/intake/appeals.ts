/**
 * Appeals posted by an outside system (a 12345 hotline platform, a government message board) through
 * the signed intake: registered as an operator's would be, once per (the account's source, externalId).
 */
import { isUniqueViolation } from '../../../db/client';
import { findAppealByExternalId } from '../../../db/queries/appeals';
import type { ApiDeps } from '../../deps';
import { registerAppeal } from '../appeals/register';
import type { IntakeAppealBody } from '../../schemas/intake';
import type { ServiceCaller } from './signed-requests';

type Deps = Pick<ApiDeps, 'config' | 'database' | 'queues' | 'temporal'>;

export interface ReceivedAppeal {
  id: string;
  code: string;
  queryCode: string;
  created: boolean;
}

export async function receiveAppeal(deps: Deps, caller: ServiceCaller, body: IntakeAppealBody): Promise<ReceivedAppeal> {
  const key = { source: caller.source, externalId: body.externalId };
  const known = await findAppealByExternalId(deps.database.db, key.source, key.externalId);
  if (known) return { id: known.id, code: known.code, queryCode: known.queryCode, created: false };
  const fields = { text: body.text, title: body.title, citizenName: body.citizenName, phone: body.phone, place: body.place, matterId: body.matterId };
  try {
    const registered = await registerAppeal(deps, null, { ...fields, channel: body.channel ?? 'other' }, key);
    return { id: registered.id, code: registered.code, queryCode: registered.queryCode, created: true };
  } catch (error) {
    // The same appeal posted twice at once: the first insert won; answer with it.
    const raced = isUniqueViolation(error) ? await findAppealByExternalId(deps.database.db, key.source, key.externalId) : undefined;
    if (!raced) throw error;
    return { id: raced.id, code: raced.code, queryCode: raced.queryCode, created: false };
  }
}
