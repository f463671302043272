import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody, type ErrorCode } from '../errors';
import { chineseMessageOf } from '../validation-messages';

/**
 * Constraint violations that slipped past a service's own checks (two racing creates of the same
 * name, a bad id reaching SQL) are the caller's problem, not a 500.
 */
function databaseRefusal(error: unknown): { status: number; code: ErrorCode; message: string } | null {
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  if (code === '23505') return { status: 409, code: 'conflict', message: 'This already exists.' };
  if (code === '23503') return { status: 422, code: 'rule_violation', message: 'This refers to something that does not exist.' };
  // 22021/22P05: a character Postgres cannot store (NUL); plugins/control-characters.ts refuses them first.
  if (code === '22P02' || code === '22007' || code === '22008' || code === '22003' || code === '22021' || code === '22P05')
    return { status: 400, code: 'validation_failed', message: 'A value has the wrong format.' };
  return null;
}

/** How postgres.js (and drizzle, in `cause`) says the server cannot be reached or is stopping or starting. */
const DATABASE_UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03']);

/** The database is down or restarting: nothing the client sent is at fault, and a retry will do (503, not 500). */
function databaseUnreachable(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  return [e?.code, e?.cause?.code].some((code) => typeof code === 'string' && DATABASE_UNREACHABLE.has(code));
}

/** Fastify's refusals of a request body before any schema sees it, in Chinese (its English is its own message). */
const BODY_REFUSALS_ZH: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: '请求体不是有效的 JSON（或含有 __proto__、constructor 等不允许的键）',
  FST_ERR_CTP_EMPTY_JSON_BODY: '内容类型为 JSON 时请求体不能为空',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持该请求体类型，请以 application/json 发送',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求体过大',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '请求体长度与 Content-Length 不符',
  FST_ERR_CTP_INVALID_TYPE: '请求的内容类型无效',
};

/**
 * A URL the router cannot read (a malformed %-escape, a path segment over the length limit): the
 * same `{error}` shape as every other refusal, naming the path parameters as the field.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const message = tooLong ? 'A path parameter is too long.' : 'The path is not valid (a malformed %-escape).';
  const messageZh = tooLong ? '路径参数过长' : '路径无效（含有格式错误的 % 转义）';
  return reply
    .code(400)
    .send({ error: { code: 'validation_failed', message, details: { fields: [{ field: 'params', message, messageZh }], messageZh } } } satisfies ErrorBody);
}

/**
 * Errors Node's HTTP parser meets before Fastify has a request (headers or URL over the size
 * limit, a malformed request line): answered in the `{error}` shape, then the socket is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The URL or the headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'timeout', 'The request took too long to arrive.']
        : [400, 'bad_request', 'The request could not be read.'];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  if (socket.writable)
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy(error);
}

/** One place that turns every thrown error into `{error: {code, message, details?}}`; 5xx hide their cause. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply
        .code(error.status)
        .send({ error: { code: error.code, message: error.message, details: error.details } } satisfies ErrorBody);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((issue) => ({
        field: [
          error.validationContext,
          ...String(issue.instancePath ?? '')
            .split('/')
            .filter(Boolean),
        ].join('.'),
        message: issue.message ?? 'invalid',
        messageZh: chineseMessageOf(issue),
      }));
      return reply.code(400).send({
        error: { code: 'validation_failed', message: `Invalid ${fields.map((f) => f.field).join(', ')}`, details: { fields } },
      } satisfies ErrorBody);
    }
    const fromDatabase = databaseRefusal(error);
    if (fromDatabase)
      return reply
        .code(fromDatabase.status)
        .send({ error: { code: fromDatabase.code, message: fromDatabase.message } } satisfies ErrorBody);
    if (databaseUnreachable(error)) {
      request.log.warn({ err: error }, 'database unreachable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({
          error: {
            code: 'unavailable',
            message: 'The database is not answering. Retry in a few seconds with the same Idempotency-Key: a retry never applies a write twice.',
            details: { messageZh: '数据库暂时无响应，请稍后用相同的 Idempotency-Key 重试：重试不会重复办理。' },
          },
        } satisfies ErrorBody);
    }
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Say the limit, in both languages, rather than Fastify's bare "Request body is too large".
      const limit = `${Math.round((request.routeOptions.bodyLimit ?? 0) / 1024)} KiB`;
      return reply.code(413).send({
        error: {
          code: 'payload_too_large',
          message: `The request body is larger than this route takes (${limit}); nothing was saved.`,
          details: { limitBytes: request.routeOptions.bodyLimit, messageZh: `请求内容超过上限（${limit}），未保存任何内容。` },
        },
      } satisfies ErrorBody);
    }
    if (status < 500) {
      // Fastify's own 4xx: bad JSON, body too large, unsupported media type… The body as a whole is the field.
      const zh = BODY_REFUSALS_ZH[error.code];
      const details = zh ? { fields: [{ field: 'body', message: error.message, messageZh: zh }], messageZh: zh } : undefined;
      return reply.code(status).send({ error: { code: error.code ?? 'bad_request', message: error.message, details } } satisfies ErrorBody);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'Internal error; it has been logged.' } } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } } satisfies ErrorBody),
  );
}
