import type { Executor } from '../client';

/**
 * Statements kept prepared per database handle, by key. A named statement is parsed once per
 * connection and runs in one round trip; an unnamed one with parameters takes two (postgres.js
 * asks Postgres for the parameter types first), and drizzle builds its SQL text again on every
 * call. For hot paths with a fixed set of SQL texts only: each key stays prepared on every
 * connection for the connection's lifetime.
 */
const preparedStatements = new WeakMap<Executor, Map<string, unknown>>();

export function prepared<T>(db: Executor, key: string, prepare: () => T): T {
  let byKey = preparedStatements.get(db);
  if (!byKey) preparedStatements.set(db, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, prepare());
  return byKey.get(key) as T;
}
