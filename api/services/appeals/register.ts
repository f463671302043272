/** Registering an appeal: by a hotline operator (or a supervisor), or by a citizen on the public page. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Executor } from '../../../db/client';
import { insertAppeal, nextAppealCode } from '../../../db/queries/appeals';
import type { AppealRow } from '../../../db/schema/appeals';
import { lockAttachments, tieAttachmentsToItem } from '../../../db/queries/attachments';
import { appealAttachmentRefusal, queryCodeOf, type AppealChannel } from '../../../domain/appeals';
import type { ApiDeps } from '../../deps';
import { fieldError } from '../../errors';
import { autoDispatchRegistered, type AutoDispatched } from './auto-dispatch';
import { tellCitizen } from './citizen-sms';
import type { RegisterAppealBody } from '../../schemas/appeals';
import { matterNamed } from '../matters/catalogue';

type Deps = Pick<ApiDeps, 'config' | 'database' | 'queues' | 'temporal'>;

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
  /** `dispatched` when auto-dispatch sent it on at once. */
  status: 'registered' | 'dispatched';
  /** Where auto-dispatch sent it, with the confidence; null when it waits for a dispatcher. */
  autoDispatched: AutoDispatched | null;
}

export async function registerAppeal(
  deps: Deps,
  registeredBy: string | null,
  body: Omit<RegisterAppealBody, 'channel' | 'matterId'> & { channel: AppealChannel; matterId?: string | undefined },
  external: { source: string; externalId: string } | null = null,
): Promise<RegisteredAppeal> {
  const db = deps.database.db;
  if (body.matterId) await matterNamed(deps, body.matterId, 'body.matterId');
  const now = Date.now();
  const id = randomUUID();
  const attachmentIds = body.attachmentIds ?? [];
  const row = await db.transaction(async (tx) => {
    // The files first: a refused one leaves no appeal, and no appeal code spent.
    await tieAppealAttachments(tx, attachmentIds, id, registeredBy);
    return insertAppeal(tx, {
      id,
      code: await nextAppealCode(tx, chinaYear(now)),
      queryCode: queryCodeOf(randomBytes(10)),
      channel: body.channel,
      title: titleOf(body),
      text: body.text,
      citizenName: body.citizenName ?? null,
      phone: body.phone,
      place: body.place ?? null,
      attachmentIds: [...new Set(attachmentIds)],
      stage: 'registered',
      matterId: body.matterId ?? null,
      source: external?.source ?? null,
      externalId: external?.externalId ?? null,
      registeredBy,
      createdAt: new Date(now),
    });
  });
  await tellCitizen(deps, row, 'appeal_registered');
  const autoDispatched = await autoDispatchOrWait(deps, row);
  return { id: row.id, code: row.code, queryCode: row.queryCode, status: autoDispatched ? 'dispatched' : 'registered', autoDispatched };
}

/**
 * The appeal is registered whatever happens next: an auto-dispatch that fails (Temporal away, a
 * dispatcher faster) leaves it waiting for a person, as if auto-dispatch were off.
 */
async function autoDispatchOrWait(deps: Deps, row: AppealRow): Promise<AutoDispatched | null> {
  try {
    return await autoDispatchRegistered(deps, row);
  } catch (error) {
    console.error(`auto-dispatch of appeal ${row.code} failed; it waits for a dispatcher`, error);
    return null;
  }
}

/**
 * The appeal's files become its item's (the appeal's id is its item's): read exactly like it. Each id
 * is checked under a row lock (domain appealAttachmentRefusal); one refused → 400 naming it, nothing written.
 */
async function tieAppealAttachments(tx: Executor, ids: readonly string[], itemId: string, registeredBy: string | null): Promise<void> {
  const rows = await lockAttachments(tx, ids);
  ids.forEach((attachmentId, i) => {
    const refused = appealAttachmentRefusal(rows.get(attachmentId), registeredBy);
    if (refused) throw fieldError('validation_failed', `body.attachmentIds.${i}`, refused.en, refused.zh);
  });
  await tieAttachmentsToItem(tx, ids, itemId);
}
