import { createHmac } from 'node:crypto';
import type { WebhookKind } from '../../../db/schema/notifications';
import type { RenderedMessage } from '../messages';

/** What a generic webhook receives; robots get their own shapes (below). */
export interface GenericWebhookBody {
  id: string;
  event: string;
  urgent: boolean;
  subject: string;
  text: string;
  markdown: string;
  item: { id: string; code?: string; title: string };
  taskId?: string;
  departmentId?: string;
  occurredAt: string;
}

export interface WebhookTarget {
  kind: WebhookKind;
  url: string;
  secret: string | null;
}

export const signatureHeaders = {
  timestamp: 'x-supervision-timestamp',
  signature: 'x-supervision-signature',
  delivery: 'x-supervision-delivery',
} as const;

/** The JSON body for one webhook kind: WeCom and DingTalk group robots take markdown messages. */
export function webhookBody(kind: WebhookKind, message: RenderedMessage, generic: GenericWebhookBody): unknown {
  switch (kind) {
    case 'wecom':
      // WeCom's robot caps markdown content at 4096 bytes.
      return { msgtype: 'markdown', markdown: { content: truncateBytes(message.markdown, 4096) } };
    case 'dingtalk':
      return { msgtype: 'markdown', markdown: { title: message.subject, text: message.markdown } };
    case 'generic':
      return generic;
  }
}

/** Our signature: hex HMAC-SHA256 over `<unix seconds>.<raw body>`; receivers reject stale timestamps. */
export function signBody(secret: string, timestampSeconds: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
}

/** DingTalk's robot signing: base64 HMAC-SHA256 of `<ms timestamp>\n<secret>`, as timestamp & sign query parameters. */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestampMs));
  signed.searchParams.set('sign', sign);
  return signed.toString();
}

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** Posts one signed body. Throws WebhookError; `permanent` when retrying cannot help (4xx other than 408/429). */
export async function postWebhook(
  target: WebhookTarget,
  body: unknown,
  deliveryId: string,
  options: { now: Date; timeoutMs: number; fetch?: typeof fetch },
): Promise<void> {
  const rawBody = JSON.stringify(body);
  const seconds = Math.floor(options.now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    [signatureHeaders.delivery]: deliveryId,
  };
  let url = target.url;
  if (target.secret) {
    headers[signatureHeaders.timestamp] = String(seconds);
    headers[signatureHeaders.signature] = signBody(target.secret, seconds, rawBody);
    if (target.kind === 'dingtalk') url = dingtalkSignedUrl(url, target.secret, options.now.getTime());
  }
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    throw new WebhookError(`webhook ${redactUrl(url)} unreachable: ${(error as Error).message}`, false);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw new WebhookError(`webhook ${redactUrl(url)} answered ${response.status}: ${text.slice(0, 300)}`, permanent);
  }
  // Robots answer 200 with {errcode, errmsg}; a non-zero errcode (bad sign, rate limit) is a failure.
  if (target.kind !== 'generic') {
    const reply = safeJson(text) as { errcode?: number; errmsg?: string } | undefined;
    if (reply && typeof reply.errcode === 'number' && reply.errcode !== 0) {
      throw new WebhookError(`${target.kind} robot refused: errcode ${reply.errcode} ${reply.errmsg ?? ''}`.trim(), false);
    }
  }
}

/** Robot URLs carry their access token in the query: keep it out of logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(invalid url)';
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncateBytes(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return text;
  return buffer.subarray(0, maxBytes - 3).toString('utf8').replace(/\uFFFD+$/, '') + '…';
}
