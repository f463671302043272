/** The SMS provider's settings (one row) and the SMS deliveries' own writes. */
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { notificationDeliveries, smsSettings, type NotificationChannel } from '../schema/notifications';

export type SmsSettingsRow = typeof smsSettings.$inferSelect;
export type SmsSettingsPatch = Partial<Pick<SmsSettingsRow, 'enabled' | 'endpoint' | 'accessKeyId' | 'accessKeySecret' | 'signName' | 'templates'>>;

const defaults: SmsSettingsRow = {
  id: 'sms',
  enabled: false,
  endpoint: 'https://dysmsapi.aliyuncs.com/',
  accessKeyId: '',
  accessKeySecret: '',
  signName: '',
  templates: {},
  updatedAt: new Date(0),
  updatedBy: null,
};

/** The admin's settings, or the defaults (SMS off) when none were saved. */
export async function findSmsSettings(db: Executor): Promise<SmsSettingsRow> {
  const [row] = await db.select().from(smsSettings).where(eq(smsSettings.id, 'sms'));
  return row ?? defaults;
}

export async function saveSmsSettings(db: Executor, patch: SmsSettingsPatch, by: string, now: Date): Promise<SmsSettingsRow> {
  const [row] = await db
    .insert(smsSettings)
    .values({ ...patch, id: 'sms', updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({ target: smsSettings.id, set: { ...patch, updatedAt: now, updatedBy: by } })
    .returning();
  return row!;
}

/** An SMS the provider accepted: sent, with the provider's message id. */
export async function markSmsSent(db: Executor, id: string, providerMessageId: string, now: Date): Promise<void> {
  await db
    .update(notificationDeliveries)
    .set({ status: 'sent', sentAt: now, updatedAt: now, lastError: null, providerMessageId, attempts: sql`${notificationDeliveries.attempts} + 1` })
    .where(eq(notificationDeliveries.id, id));
}

/** A citizen's SMS: one ledger row per message (its dedupe key), not tied to a user. Returns the row and whether this call created it. */
export async function insertCitizenSms(
  db: Executor,
  row: { id: string; dedupeKey: string; requestKey: string; target: string; language: 'zh' | 'en'; text: string; payload: unknown },
): Promise<{ id: string; status: string; created: boolean }> {
  const channel: NotificationChannel = 'sms';
  const [created] = await db
    .insert(notificationDeliveries)
    .values({ ...row, channel, subject: row.text, body: row.text, status: 'pending' })
    .onConflictDoNothing({ target: notificationDeliveries.dedupeKey })
    .returning({ id: notificationDeliveries.id, status: notificationDeliveries.status });
  if (created) return { ...created, created: true };
  const [existing] = await db
    .select({ id: notificationDeliveries.id, status: notificationDeliveries.status })
    .from(notificationDeliveries)
    .where(eq(notificationDeliveries.dedupeKey, row.dedupeKey));
  return { ...existing!, created: false };
}
