// The one rule for every text a client can send: what Postgres (text and jsonb) and XML (the xlsx
// exports) can hold. Applied by the API to every body, query and params (api/plugins/control-characters.ts)
// and again by the workflows' Update validators, since an Update can come from any client.
import type { RuleViolation } from './types';

/**
 * C0 controls except tab, line feed and carriage return; DEL; the C1 controls; the non-characters
 * U+FFFE and U+FFFF; and a surrogate half without its partner (jsonb refuses a lone `\ud800`).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNHOLDABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bodies are bounded in size; the depth bound only guards the recursion itself. */
const MAX_DEPTH = 64;

export interface UnholdableText {
  /** Where it sits: `path.key.key`, or `path` itself when an object key holds it. */
  field: string;
  /** The character, as U+XXXX. */
  codePoint: string;
}

const codePointOf = (s: string) => `U+${s.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first string or object key under `value` holding a character text may not hold, or null. */
export function findUnholdableText(value: unknown, path: string, depth = 0): UnholdableText | null {
  if (typeof value === 'string') {
    const m = UNHOLDABLE.exec(value);
    return m ? { field: path, codePoint: codePointOf(m[0]) } : null;
  }
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  for (const [key, inner] of Object.entries(value)) {
    const inKey = UNHOLDABLE.exec(key);
    if (inKey) return { field: path, codePoint: codePointOf(inKey[0]) };
    const found = findUnholdableText(inner, path === '' ? key : `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The refusal for an Update's arguments holding such a character (HTTP 400), or null. */
export function unholdableTextViolation(args: unknown): RuleViolation | null {
  const found = findUnholdableText(args, '');
  if (!found) return null;
  return {
    code: 'invalid_input',
    message: `${found.field || 'the request'} contains the character ${found.codePoint}, which text may not hold`,
    messageZh: `${found.field || '请求'}含有不允许的字符（${found.codePoint}）`,
    ...(found.field ? { field: found.field } : {}),
  };
}
