/**
 * A local stand-in for Alibaba Cloud's dysmsapi SendSms: it recomputes every request's RPC signature
 * itself (from the documented steps, not with the code under test) and refuses a wrong one as
 * Alibaba does (SignatureDoesNotMatch), records the messages it accepts, and can fail the next N
 * calls with a 503 to prove retries.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface ReceivedSms {
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  bizId: string;
}

/** RFC 3986 percent-encoding byte by byte: unreserved characters stay, everything else is %XX. */
export function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function expectedSignature(query: URLSearchParams, secret: string): string {
  const pairs = [...query.entries()].filter(([k]) => k !== 'Signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
  return createHmac('sha1', `${secret}&`).update(`GET&${rfc3986('/')}&${rfc3986(canonical)}`).digest('base64');
}

export interface AliyunSmsServer {
  url: string;
  accepted: ReceivedSms[];
  /** Requests refused for their signature. */
  refused: number;
  /** Requests failed on purpose (failNext). */
  failed: number;
  /** The next N well-signed requests answer 503 ServiceUnavailable. */
  failNext: number;
  close(): Promise<void>;
}

export async function startAliyunSmsServer(keys: Record<string, string>): Promise<AliyunSmsServer> {
  const state = { accepted: [] as ReceivedSms[], refused: 0, failed: 0, failNext: 0 };
  const server: Server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ RequestId: randomUUID(), ...body }));
    };
    const secret = keys[query.get('AccessKeyId') ?? ''];
    if (secret === undefined) return answer(404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
    if (query.get('Signature') !== expectedSignature(query, secret)) {
      state.refused += 1;
      return answer(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
    }
    if (query.get('Action') !== 'SendSms' || query.get('Version') !== '2017-05-25' || query.get('SignatureMethod') !== 'HMAC-SHA1') {
      return answer(400, { Code: 'InvalidParameter', Message: 'unexpected common parameters' });
    }
    if (state.failNext > 0) {
      state.failNext -= 1;
      state.failed += 1;
      return answer(503, { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' });
    }
    const bizId = `${Date.now()}^${state.accepted.length}`;
    state.accepted.push({
      phone: query.get('PhoneNumbers') ?? '',
      signName: query.get('SignName') ?? '',
      templateCode: query.get('TemplateCode') ?? '',
      params: JSON.parse(query.get('TemplateParam') ?? '{}') as Record<string, string>,
      bizId,
    });
    return answer(200, { Code: 'OK', Message: 'OK', BizId: bizId });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
