/**
 * Text may hold only what Postgres (text, jsonb) and XML can: the one rule is domain's
 * (domain/text.ts), which the workflows' Update validators apply again. One check over every route's
 * body, query and params (object keys included), after authorisation and before the schema: a 400
 * naming the field, in both languages, instead of a 500 from the database or a task that can no
 * longer be projected. Tab, line feed and carriage return stay allowed.
 */
import type { FastifyInstance } from 'fastify';
import { findUnholdableText } from '../../domain/text';
import { fieldError } from '../errors';

export function installControlCharacterCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // Named as the schema errors name them (error-handler.ts: validationContext).
    const parts = { params: request.params, querystring: request.query, body: request.body } as const;
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
