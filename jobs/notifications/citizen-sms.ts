import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client';
import type { Language } from '../../db/schema/notifications';
import { findSmsSettings, insertCitizenSms } from '../../db/queries/sms';
import type { Queues } from '../queues';
import { defaultDeliveryPolicy } from './deps';
import { deliverJobName, deliverJobOptions } from './jobs';
import { renderSms, type SmsMessageType, type SmsParams } from './sms-messages';

export interface CitizenSms {
  /** Stable per message, e.g. `appeal-<id>/registered`: a repeat finds the same ledger row and job. */
  key: string;
  /** Groups the appeal's messages in the ledger (`request_key`). */
  requestKey: string;
  phone: string;
  message: SmsMessageType;
  params: SmsParams;
  /** Citizens read zh unless told otherwise. */
  language?: Language;
}

/**
 * A message to a citizen: one row in the delivery ledger (keyed by `key`) and one `deliver` job on
 * the notifications queue (job id from the row), sent, retried and recorded like any SMS. Nothing
 * when the admin has SMS switched off. Returns the delivery's id, or null when SMS is off.
 */
export async function sendCitizenSms(deps: { db: Database; queues: Pick<Queues, 'notifications'> }, sms: CitizenSms): Promise<string | null> {
  const settings = await findSmsSettings(deps.db);
  if (!settings.enabled) return null;
  const language = sms.language ?? 'zh';
  const row = await insertCitizenSms(deps.db, {
    id: randomUUID(),
    dedupeKey: sms.key,
    requestKey: sms.requestKey,
    target: sms.phone,
    language,
    text: renderSms(sms.message, language, sms.params),
    payload: { message: sms.message, params: sms.params },
  });
  // The job id is the row's: adding it again (a repeated call) is a no-op while BullMQ keeps the job.
  if (row.status === 'pending') {
    await deps.queues.notifications.add(deliverJobName, { deliveryId: row.id }, deliverJobOptions(row.id, defaultDeliveryPolicy));
  }
  return row.id;
}
