import { createHmac, randomUUID } from 'node:crypto';
import { hostOf, pinnedLookup, resolvePublicAddress, RefusedAddressError, type AllowList } from './outbound-address';
import { outboundRequest } from './outbound-request';

/** What any SMS provider does: one templated message to one phone → the provider's message id, or an SmsError. */
export interface SmsProvider {
  send(phone: string, templateCode: string, params: Record<string, string>): Promise<string>;
}

/** A refusal or failure of the provider; `permanent` when retrying cannot help (bad signature, bad number, bad template). */
export class SmsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SmsError';
  }
}

export interface AliyunSmsConfig {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  timeoutMs?: number;
  /**
   * The admin's saved endpoint: reached only at a public address (or one WEBHOOK_ALLOW_HOSTS allows),
   * checked on the resolved address and connected to that very address, like a webhook. Null: the
   * operator's own SMS_ENDPOINT, trusted as set.
   */
  allow: AllowList | null;
}

/**
 * Alibaba Cloud's RPC percent-encoding: RFC 3986 (UTF-8, unreserved A-Z a-z 0-9 - _ . ~ kept, space as
 * %20), which is encodeURIComponent plus ! ' ( ) * encoded as well.
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The RPC signature (SignatureVersion 1.0, HMAC-SHA1), per Alibaba Cloud's "Signature mechanism":
 * the parameters except Signature, sorted by name, each `encode(name)=encode(value)` joined by `&`;
 * StringToSign = `GET&%2F&` + encode(that string); Signature = Base64(HMAC-SHA1(secret + "&", StringToSign)).
 */
export function aliyunRpcSignature(params: Record<string, string>, accessKeySecret: string, method = 'GET'): string {
  const canonical = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(params[name]!)}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/** The signed query of one dysmsapi SendSms call (API version 2017-05-25). */
export function sendSmsQuery(
  config: Pick<AliyunSmsConfig, 'accessKeyId' | 'accessKeySecret' | 'signName'>,
  message: { phone: string; templateCode: string; params: Record<string, string>; outId?: string },
  now: Date,
  nonce: string,
): string {
  const params: Record<string, string> = {
    AccessKeyId: config.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    PhoneNumbers: message.phone,
    RegionId: 'cn-hangzhou',
    SignName: config.signName,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: nonce,
    SignatureVersion: '1.0',
    TemplateCode: message.templateCode,
    TemplateParam: JSON.stringify(message.params),
    Timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Version: '2017-05-25',
    ...(message.outId ? { OutId: message.outId } : {}),
  };
  const signature = aliyunRpcSignature(params, config.accessKeySecret);
  return [`Signature=${aliyunPercentEncode(signature)}`, ...Object.entries(params).map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)].join('&');
}

/** Codes worth another try: throttling and the service's own trouble. Every other refusal is permanent. */
const transientCodes = /^(Throttling|ServiceUnavailable|InternalError|isv\.BUSINESS_LIMIT_CONTROL|isv\.OUT_OF_SERVICE|SignatureNonceUsed)/;

/** Alibaba Cloud SMS (dysmsapi SendSms) over its HTTP RPC API, with node:http; no SDK. */
export function aliyunSmsProvider(config: AliyunSmsConfig, now: () => Date = () => new Date()): SmsProvider {
  return {
    async send(phone, templateCode, params) {
      const query = sendSmsQuery(config, { phone, templateCode, params }, now(), randomUUID());
      const url = `${config.endpoint.replace(/\?.*$/, '').replace(/\/?$/, '/')}?${query}`;
      let answer: { status: number; text: string };
      try {
        answer = await getChecked(new URL(url), config.allow, config.timeoutMs ?? 10_000);
      } catch (error) {
        if (error instanceof RefusedAddressError) throw new SmsError('RefusedAddress', error.message, true);
        throw new SmsError('NetworkError', (error as Error).message, false);
      }
      const body = parsedAnswer(answer.text);
      const ok = answer.status >= 200 && answer.status < 300;
      if (ok && body?.Code === 'OK' && body.BizId) return body.BizId;
      const code = body?.Code ?? `HTTP${answer.status}`;
      const message = (body?.Message ?? `HTTP ${answer.status}`).slice(0, 300);
      throw new SmsError(code, message, answer.status < 500 && !transientCodes.test(code));
    },
  };
}

function parsedAnswer(text: string): { Code?: string; Message?: string; BizId?: string } | null {
  try {
    return JSON.parse(text) as { Code?: string; Message?: string; BizId?: string } | null;
  } catch {
    return null;
  }
}

/** How much of the provider's answer is read (its JSON is a few hundred bytes). */
const maxAnswerBytes = 16_384;

/** One GET, to the checked address when `allow` is given (no redirect followed); `timeoutMs` bounds it all. */
async function getChecked(target: URL, allow: AllowList | null, timeoutMs: number): Promise<{ status: number; text: string }> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported protocol ${target.protocol}`);
  const lookup = allow ? pinnedLookup(await resolvePublicAddress(hostOf(target), allow)) : undefined;
  return outboundRequest(target, { method: 'GET', ...(lookup ? { lookup } : {}), maxAnswerBytes, timeoutMs });
}
