import { describe, expect, it } from 'vitest';
import { permanentCause } from '../../../db/permanent-failure';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('which projection failures retrying cannot cure', () => {
  it('a value the database refuses, a broken constraint, a trigger refusal, a bug in our code', () => {
    expect(permanentCause(pgError('22P05', 'unsupported Unicode escape sequence'))).toEqual({ code: '22P05', message: 'unsupported Unicode escape sequence' });
    expect(permanentCause(pgError('23505', 'duplicate key value violates unique constraint "x"'))?.code).toBe('23505');
    expect(permanentCause(pgError('P0001', 'refused'))?.code).toBe('P0001');
    expect(permanentCause(new TypeError('Do not know how to serialize a BigInt'))?.code).toBe('TypeError');
    // Wrapped (drizzle wraps the driver's error in its own, with the original as cause).
    expect(permanentCause(new Error('Failed query', { cause: pgError('22021', 'invalid byte sequence\nDETAIL: secret') }))).toEqual({
      code: '22021',
      message: 'invalid byte sequence',
    });
  });

  it('not an outage: connection refused, closed, the server shutting down, a serialization conflict', () => {
    expect(permanentCause(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBeNull();
    expect(permanentCause(pgError('CONNECTION_CLOSED', 'write CONNECTION_CLOSED'))).toBeNull();
    expect(permanentCause(pgError('57P01', 'terminating connection due to administrator command'))).toBeNull();
    expect(permanentCause(pgError('40001', 'could not serialize access'))).toBeNull();
    expect(permanentCause(new Error('plain'))).toBeNull();
  });
});
