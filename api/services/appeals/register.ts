/** Registering an appeal: by a hotline operator (or a supervisor), or by a citizen on the public page. */
import { randomBytes, randomUUID } from 'node:crypto';
import { insertAppeal, nextAppealCode } from '../../../db/queries/appeals';
import { queryCodeOf, type AppealChannel } from '../../../domain/appeals';
import type { ApiDeps } from '../../deps';
import type { RegisterAppealBody } from '../../schemas/appeals';
import { matterNamed } from '../matters/catalogue';

type Deps = Pick<ApiDeps, 'database'>;

const chinaYear = (ms: number) => new Date(ms + 8 * 3_600_000).getUTCFullYear();

/** The item title an untitled appeal gets: the start of what the citizen said. */
export function titleOf(body: { title?: string | undefined; text: string }): string {
  if (body.title) return body.title;
  const line = body.text.split('\n')[0]!.trim();
  return line.length > 30 ? `${line.slice(0, 30)}…` : line;
}

export interface RegisteredAppeal {
  id: string;
  code: string;
  queryCode: string;
  status: 'registered';
}

export async function registerAppeal(
  deps: Deps,
  registeredBy: string | null,
  body: Omit<RegisterAppealBody, 'channel' | 'matterId'> & { channel: AppealChannel; matterId?: string | undefined },
): Promise<RegisteredAppeal> {
  const db = deps.database.db;
  if (body.matterId) await matterNamed(deps, body.matterId, 'body.matterId');
  const now = Date.now();
  const row = await insertAppeal(db, {
    id: randomUUID(),
    code: await nextAppealCode(db, chinaYear(now)),
    queryCode: queryCodeOf(randomBytes(10)),
    channel: body.channel,
    title: titleOf(body),
    text: body.text,
    citizenName: body.citizenName ?? null,
    phone: body.phone,
    place: body.place ?? null,
    attachmentIds: body.attachmentIds ?? [],
    stage: 'registered',
    matterId: body.matterId ?? null,
    registeredBy,
    createdAt: new Date(now),
  });
  return { id: row.id, code: row.code, queryCode: row.queryCode, status: 'registered' };
}
