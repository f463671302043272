import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle has the same query surface; query functions accept either. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

/** The postgres.js client under a drizzle handle (drizzle's public `$client`; the Database type leaves it out). */
export function postgresClientOf(db: Database): postgres.Sql {
  return (db as Database & { $client: postgres.Sql }).$client;
}

/**
 * Seconds a closed connection waits before it connects again, after the pool's `retries`-th failure.
 * postgres.js's default grows as 3^retries / 100 up to 20 s over a counter the whole pool shares, so
 * after a Postgres outage of a few seconds every query kept waiting up to 20 s more: API answers hung
 * and a worker's projection held its workflow task open, which delayed lights (the "stop Postgres"
 * fault). Capped at 1 s, a query during an outage fails within a second and one right after it succeeds.
 */
export function reconnectDelaySeconds(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1);
}

/**
 * A pool of postgres.js 4 under drizzle. postgres.js 3.4.9 did not survive a Postgres restart with work in
 * flight (a crash, stale errors, 30 s hangs): tests/integration/foundation/postgres-restart.test.ts.
 */
export function connectDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {}, backoff: reconnectDelaySeconds });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** A Postgres unique violation (23505), as postgres.js raises it or drizzle wraps it. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
}
