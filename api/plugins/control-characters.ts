/**
 * Text may hold only what Postgres (text, jsonb) and XML can: the one rule is domain's
 * (domain/text.ts), which the workflows' Update validators apply again. One check over every route's
 * body, query and params (object keys included), after authorisation and before the schema: a 400
 * naming the field, in both languages, instead of a 500 from the database or a task that can no
 * longer be projected. Tab, line feed and carriage return stay allowed. A body nested absurdly deep is
 * refused here too (it overflowed the stack of the Idempotency-Key fingerprint: a 500).
 */
import type { FastifyInstance } from 'fastify';
import { findUnholdableText } from '../../domain/text';
import { fieldError } from '../errors';

/** Above any form of ours (a completion form of 32 schema levels is ~70 deep); thousands of levels overflow the stack of whatever walks the body (a 500). */
export const MAX_BODY_DEPTH = 128;

/** Where `value` nests deeper than `max` levels (the path of the first too-deep field), or null. */
function tooDeep(value: unknown, path: string, max: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (max === 0) return path;
  for (const [key, inner] of Object.entries(value)) {
    const found = tooDeep(inner, `${path}.${key}`, max - 1);
    if (found) return found;
  }
  return null;
}

export function installControlCharacterCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // Named as the schema errors name them (error-handler.ts: validationContext).
    const parts = { params: request.params, querystring: request.query, body: request.body } as const;
    const deep = tooDeep(request.body, 'body', MAX_BODY_DEPTH);
    if (deep) {
      const field = deep.split('.').slice(0, 3).join('.');
      throw fieldError('validation_failed', field, `nests deeper than ${MAX_BODY_DEPTH} levels`, `嵌套超过 ${MAX_BODY_DEPTH} 层`, `${field} nests deeper than ${MAX_BODY_DEPTH} levels`);
    }
    for (const [name, value] of Object.entries(parts)) {
      const found = findUnholdableText(value, name);
      if (!found) continue;
      const cp = found.codePoint;
      throw fieldError(
        'validation_failed',
        found.field,
        `contains the character ${cp}, which text may not hold`,
        `含有不允许的字符（${cp}）`,
        `${found.field} contains the character ${cp}`,
      );
    }
  });
}
