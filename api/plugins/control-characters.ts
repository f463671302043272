/**
 * Text may not carry control characters: Postgres refuses NUL in text and JSON, and the others make
 * no sense in a title, a name or a report. One check over every route's body, query and params
 * (object keys included), after authorisation and before the schema: a 400 naming the field, in
 * both languages, instead of a 500 from the database. Tab, line feed and carriage return stay allowed.
 */
import type { FastifyInstance } from 'fastify';
import { fieldError } from '../errors';

// C0 controls except \t \n \r, DEL, and the C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const codePoint = (s: string) => `U+${s.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The path of the first string (or key) holding a control character, and that character. */
export function findControlCharacter(value: unknown, path: string, depth = 0): { field: string; char: string } | null {
  if (typeof value === 'string') {
    const m = CONTROL.exec(value);
    return m ? { field: path, char: m[0] } : null;
  }
  // Bodies are at most 1 MiB; the depth bound only guards the recursion itself.
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    const keyMatch = CONTROL.exec(key);
    if (keyMatch) return { field: path, char: keyMatch[0] };
    const found = findControlCharacter(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

export function installControlCharacterCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // Named as the schema errors name them (error-handler.ts: validationContext).
    const parts = { params: request.params, querystring: request.query, body: request.body } as const;
    for (const [name, value] of Object.entries(parts)) {
      const found = findControlCharacter(value, name);
      if (!found) continue;
      const cp = codePoint(found.char);
      throw fieldError(
        'validation_failed',
        found.field,
        `contains the control character ${cp}, which text may not hold`,
        `含有不允许的控制字符（${cp}）`,
        `${found.field} contains the control character ${cp}`,
      );
    }
  });
}
