/** The admin's SMS settings (短信设置): the provider's endpoint and keys, the sign name, template codes, a test send. */
import { findSmsSettings, saveSmsSettings, type SmsSettingsPatch, type SmsSettingsRow } from '../../../db/queries/sms';
import { normalPhone } from '../../../domain/appeals';
import { SmsError } from '../../../jobs/notifications/channels/sms';
import { providerOf } from '../../../jobs/notifications/sms';
import { renderSms, smsMessageTypes } from '../../../jobs/notifications/sms-messages';
import type { SessionUser } from '../../authz';
import type { ApiDeps } from '../../deps';
import { ruleRefusal } from '../../errors';
import { parseAllowList } from '../../../jobs/notifications/channels/outbound-address';
import { checkWebhookUrl } from './notifications';

type Deps = Pick<ApiDeps, 'database' | 'config'>;

/** What the templates at the provider should say, with sample variables: the admin registers them there. */
const sampleParams = { code: 'SQ-2026-000123', queryCode: 'K7M2P9QX4A', result: '满意', title: '道路修缮', count: '3' };

/** The secret is write-only: the answer says whether one is set, never what it is. */
export function smsSettingsView(row: SmsSettingsRow, endpointOverride: string | undefined) {
  return {
    enabled: row.enabled,
    endpoint: row.endpoint,
    /** SMS_ENDPOINT is set: messages go there whatever `endpoint` says. */
    endpointOverride: endpointOverride ?? null,
    accessKeyId: row.accessKeyId,
    hasSecret: row.accessKeySecret.length > 0,
    signName: row.signName,
    templates: Object.fromEntries(smsMessageTypes.map((type) => [type, { zh: row.templates[type]?.zh ?? '', en: row.templates[type]?.en ?? '' }])),
    messageTypes: smsMessageTypes.map((type) => ({ type, zh: renderSms(type, 'zh', sampleParams), en: renderSms(type, 'en', sampleParams) })),
    updatedAt: row.updatedAt.getTime() === 0 ? null : row.updatedAt.toISOString(),
  };
}

export async function readSmsSettings(deps: Deps) {
  return smsSettingsView(await findSmsSettings(deps.database.db), deps.config.SMS_ENDPOINT);
}

/** A blank secret keeps the one saved. Switching SMS on needs the key, the secret and the sign name. */
export async function changeSmsSettings(deps: Deps, user: SessionUser, patch: SmsSettingsPatch) {
  const db = deps.database.db;
  // The same address policy as webhooks: no loopback, private or metadata address unless WEBHOOK_ALLOW_HOSTS allows it.
  checkWebhookUrl(deps, patch.endpoint, 'body.endpoint');
  const current = await findSmsSettings(db);
  const { accessKeySecret, ...rest } = patch;
  const next = { ...rest, ...(accessKeySecret ? { accessKeySecret } : {}) };
  const merged = { ...current, ...next };
  if (merged.enabled) {
    if (!merged.accessKeyId) throw ruleRefusal('body.accessKeyId', 'an AccessKey ID is needed to switch SMS on', '开启短信须填写 AccessKey ID');
    if (!merged.accessKeySecret) throw ruleRefusal('body.accessKeySecret', 'an AccessKey secret is needed to switch SMS on', '开启短信须填写 AccessKey Secret');
    if (!merged.signName) throw ruleRefusal('body.signName', 'a sign name is needed to switch SMS on', '开启短信须填写短信签名');
  }
  return smsSettingsView(await saveSmsSettings(db, next, user.id, new Date()), deps.config.SMS_ENDPOINT);
}

/** Sends the `test` message to a phone at once (not queued): the provider's message id, or its error as the admin should read it. */
export async function sendTestSms(deps: Deps, body: { phone: string; language?: 'zh' | 'en' | undefined }) {
  const settings = await findSmsSettings(deps.database.db);
  const language = body.language ?? 'zh';
  const templateCode = settings.templates.test?.[language] || settings.templates.test?.zh;
  if (!templateCode) throw ruleRefusal('templates.test', 'set the template code of the test message first', '请先填写测试短信的模板代码');
  if (!settings.accessKeyId || !settings.accessKeySecret) throw ruleRefusal('accessKeyId', 'set the AccessKey ID and secret first', '请先填写 AccessKey ID 和 Secret');
  try {
    const providerMessageId = await providerOf(settings, deps.config.SMS_ENDPOINT, parseAllowList(deps.config.WEBHOOK_ALLOW_HOSTS)).send(normalPhone(body.phone), templateCode, {});
    return { sent: true, providerMessageId, error: null };
  } catch (error) {
    const code = error instanceof SmsError ? error.code : 'Error';
    return { sent: false, providerMessageId: null, error: { code, message: (error as Error).message } };
  }
}
