import { createHmac } from 'node:crypto';
import http, { STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { WebhookKind } from '../../../db/schema/notifications';
import type { RenderedMessage } from '../messages';
import { hostOf, pinnedLookup, RefusedAddressError, resolvePublicAddress, type AllowList } from './outbound-address';
import { outboundRequest } from './outbound-request';

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

/** What a generic webhook receives for a digest: one post listing what quiet hours or the daily digest held. */
export interface GenericDigestBody {
  id: string;
  event: 'digest';
  urgent: false;
  subject: string;
  text: string;
  markdown: string;
  /** The held notifications, oldest first, each as it would have been posted alone. */
  items: unknown[];
  /** When the hold ended (quiet hours' end or the digest time). */
  heldUntil: string;
}

/** WeCom's robot caps markdown content at 4096 bytes; a digest's list is cut to fit both robots. */
export const robotMarkdownMaxBytes = 4096;

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
export function webhookBody(kind: WebhookKind, message: RenderedMessage, generic: GenericWebhookBody | GenericDigestBody): unknown {
  switch (kind) {
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: truncateBytes(message.markdown, robotMarkdownMaxBytes) } };
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

export interface PostOptions {
  now: Date;
  timeoutMs: number;
  /** Internal addresses the admin allowed (WEBHOOK_ALLOW_HOSTS); every other one is refused. */
  allow: AllowList;
}

/**
 * Posts one signed body. Throws WebhookError; `permanent` when retrying cannot help (4xx other than
 * 408/429, an internal address). The error holds the status and a short reason, never the answer's body.
 */
export async function postWebhook(target: WebhookTarget, body: unknown, deliveryId: string, options: PostOptions): Promise<void> {
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
  const { status, text } = await postChecked(url, headers, rawBody, options);
  if (status < 200 || status >= 300) {
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
    throw new WebhookError(`webhook ${redactUrl(url)} answered ${status} ${STATUS_CODES[status] ?? ''}`.trim(), permanent);
  }
  // Robots answer 200 with {errcode, errmsg}; a non-zero errcode (bad sign, rate limit) is a failure.
  if (target.kind !== 'generic') {
    const reply = safeJson(text) as { errcode?: unknown; errmsg?: unknown } | undefined;
    if (reply && typeof reply.errcode === 'number' && reply.errcode !== 0) {
      throw new WebhookError(`${target.kind} robot refused: errcode ${reply.errcode} ${shortReason(reply.errmsg)}`.trim(), false);
    }
  }
}

/** The address check, then the post to that very address; failures as WebhookError. */
async function postChecked(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<{ status: number; text: string }> {
  let target: URL;
  try {
    target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported protocol ${target.protocol}`);
  } catch (error) {
    throw new WebhookError(`webhook ${redactUrl(url)} refused: ${(error as Error).message}`, true);
  }
  let address: { address: string; family: number };
  try {
    address = await resolvePublicAddress(hostOf(target), options.allow);
  } catch (error) {
    const refused = error instanceof RefusedAddressError;
    throw new WebhookError(`webhook ${redactUrl(url)} ${refused ? 'refused' : 'unreachable'}: ${(error as Error).message}`, refused);
  }
  try {
    return await outboundRequest(target, { method: 'POST', headers, body, agent: keepAliveAgents[target.protocol as 'http:' | 'https:'], lookup: pinnedLookup(address), maxAnswerBytes, timeoutMs: options.timeoutMs });
  } catch (error) {
    throw new WebhookError(`webhook ${redactUrl(url)} unreachable: ${(error as Error).message}`, false);
  }
}

/** A robot's errmsg, kept short and printable: a reason, not whatever the far end chose to send. */
function shortReason(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[^\p{L}\p{N} .,:;_-]/gu, '').slice(0, 80) : '';
}

/** How much of an answer is kept in memory (robots answer a few dozen bytes). */
const maxAnswerBytes = 4096;

/**
 * Keep-alive connections: a department's webhook gets post after post, and a new TCP (and TLS)
 * handshake for each costs more than the post. Node's agent retires an idle connection before the
 * server's announced Keep-Alive timeout, so a reused connection is not one the server is closing.
 */
const keepAliveAgents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

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
