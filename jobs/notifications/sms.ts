import { UnrecoverableError } from 'bullmq';
import type { Executor } from '../../db/client';
import type { Language } from '../../db/schema/notifications';
import { findSmsSettings, type SmsSettingsRow } from '../../db/queries/sms';
import { normalPhone } from '../../domain/appeals';
import { emptyAllowList, type AllowList } from './channels/outbound-address';
import { aliyunSmsProvider, type SmsProvider } from './channels/sms';
import { smsMessageTypes, type SmsMessageType, type SmsParams } from './sms-messages';

/** What an SMS delivery carries in the ledger's `payload`: the message type and its variables. */
export interface SmsPayload {
  message: SmsMessageType;
  params: SmsParams;
}

export function isSmsPayload(value: unknown): value is SmsPayload {
  const p = value as Partial<SmsPayload> | null;
  return !!p && typeof p === 'object' && smsMessageTypes.includes(p.message as SmsMessageType) && typeof p.params === 'object';
}

export interface SmsSendDeps {
  db: Executor;
  /** SMS_ENDPOINT: overrides the admin's endpoint (tests). */
  smsEndpoint?: string | undefined;
  /** Tests may pass their own; otherwise Alibaba Cloud with the admin's settings. */
  smsProvider?: SmsProvider | undefined;
  /** WEBHOOK_ALLOW_HOSTS: internal addresses the admin's endpoint may still reach. */
  webhookAllowList?: AllowList | undefined;
}

/**
 * The provider the settings describe (the endpoint overridden by SMS_ENDPOINT when set). The admin's
 * endpoint is held to public addresses at send time too (a name may resolve elsewhere than when saved).
 */
export function providerOf(settings: SmsSettingsRow, endpointOverride: string | undefined, allow: AllowList = emptyAllowList): SmsProvider {
  return aliyunSmsProvider({
    endpoint: endpointOverride ?? settings.endpoint,
    allow: endpointOverride ? null : allow,
    accessKeyId: settings.accessKeyId,
    accessKeySecret: settings.accessKeySecret,
    signName: settings.signName,
  });
}

/**
 * Sends one SMS of a type through the configured provider → the provider's message id. SMS switched
 * off or a type without a template code fail at once (UnrecoverableError): retrying cannot help.
 */
export async function sendSms(deps: SmsSendDeps, phone: string, message: SmsPayload, language: Language): Promise<string> {
  const settings = await findSmsSettings(deps.db);
  if (!settings.enabled) throw new UnrecoverableError('SMS is switched off in the SMS settings');
  const codes = settings.templates[message.message];
  const templateCode = codes?.[language] || codes?.zh;
  if (!templateCode) throw new UnrecoverableError(`no SMS template code is set for ${message.message}`);
  const provider = deps.smsProvider ?? providerOf(settings, deps.smsEndpoint, deps.webhookAllowList);
  return provider.send(normalPhone(phone), templateCode, message.params);
}
