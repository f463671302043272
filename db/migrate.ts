/** Creates the database when missing and applies drizzle-kit's migrations from db/migrations. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`DATABASE_URL names an unusual database "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const found = await sql`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) {
      try {
        await sql.unsafe(`create database "${name}"`);
      } catch (error) {
        // Another process created it first (tests start in parallel).
        if (!/already exists/.test(String(error))) throw error;
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Drops the database if it exists (closing its connections) and creates it empty: for test runs only. */
export async function recreateDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unusual database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  await ensureDatabaseExists(url);
}

export async function runMigrations(url: string): Promise<void> {
  await ensureDatabaseExists(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // One migrator at a time per database, even when several processes start together.
    await sql`select pg_advisory_lock(8121)`;
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql`select pg_advisory_unlock(8121)`.catch(() => {});
    await sql.end({ timeout: 5 });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supervision';
  runMigrations(url)
    .then(() => console.log(`migrations applied to ${new URL(url).pathname.slice(1)}`))
    .catch((error: Error) => {
      console.error(`migration failed: ${error.message}`);
      process.exit(1);
    });
}
