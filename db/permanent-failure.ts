// Which failures of a projection retrying cannot cure. An outage (connection refused or reset, the
// server shutting down, a serialization conflict) passes: the activity retries until it ends. A value
// the database refuses, a broken constraint or a query that cannot run fails the same way every time.

/** SQLSTATE classes that fail identically on every attempt. */
const PERMANENT_CLASSES = new Set([
  '0A', // feature not supported
  '21', // cardinality violation
  '22', // data exception (e.g. \u0000 in jsonb, a value out of range)
  '23', // integrity constraint violation
  '2B', // dependent privilege descriptors still exist
  '42', // syntax error or access rule violation
  '44', // with check option violation
  '54', // program limit exceeded (a row too large)
  'P0', // PL/pgSQL raise exception (a trigger's refusal)
]);

export interface PermanentCause {
  /** The SQLSTATE, or the error's name. */
  code: string;
  /** The first line of the message, cut short (never the refused values: Postgres puts those in `detail`). */
  message: string;
}

const MAX_MESSAGE = 300;

function firstLine(message: unknown): string {
  const text = typeof message === 'string' ? message : String(message);
  // eslint-disable-next-line no-control-regex -- the message itself must be storable
  return (text.split('\n')[0] ?? '').replace(/[\u0000-\u001F\u007F]/g, ' ').slice(0, MAX_MESSAGE);
}

/** The cause when `error` (or an error it wraps) is one that every retry would meet again; else null. */
export function permanentCause(error: unknown): PermanentCause | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && PERMANENT_CLASSES.has(code.slice(0, 2))) {
      return { code, message: firstLine(current.message) };
    }
    // A bug in the projection's own code fails the same way each time too; a deploy cures it, not a retry.
    if (current instanceof TypeError || current instanceof RangeError) return { code: current.name, message: firstLine(current.message) };
    current = current.cause;
  }
  return null;
}
