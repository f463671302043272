/**
 * What `npm run up` and `npm run cluster` share: the platform's own processes (worker, API) started
 * under `node --import tsx` and stopped gracefully, the persistent session secret, and the wait for
 * an API to report healthy.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/env';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { seed } from '../db/seed';
import { dataDir, repoRoot } from './dev-settings';

/**
 * Starts a TypeScript entry point in a Node process of its own. node --import tsx, not the tsx CLI:
 * the CLI relays a signal to its child and SIGKILLs it when the child does not acknowledge within
 * 30 ms, which a loaded machine misses (a lost graceful stop), and a SIGKILL sent to the CLI would
 * miss the grandchild that runs the code.
 */
export function spawnEntry(entry: string, env: Record<string, string>, stdio: StdioOptions = ['ignore', 'inherit', 'inherit']): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env, stdio });
}

/** SIGTERM (a graceful stop: in-flight requests and tasks finish), SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  return new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
  });
}

/** The session secret survives restarts so logins do too; kept out of the checkout. */
export function persistentSecret(): string {
  mkdirSync(dataDir(), { recursive: true });
  const file = join(dataDir(), 'session-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Polls `url` until it answers 2xx; `stillAlive` lets the caller give up early when its process died. */
export async function waitForHealth(url: string, options: { timeoutMs?: number; stillAlive?: () => boolean } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (options.stillAlive && !options.stillAlive()) throw new Error(`the process behind ${url} exited before it was healthy`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = JSON.stringify(await response.json());
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not report healthy within ${Math.round(timeoutMs / 1000)} s: ${last}`);
}

/** Migrations, then the first-start data (admin, demo organisation): once, before any process starts. Answers the accounts created now. */
export async function prepareDatabase(config: Config) {
  await runMigrations(config.DATABASE_URL);
  const database = connectDatabase(config.DATABASE_URL, { max: 2 });
  try {
    return await seed(database.db, { adminPassword: config.ADMIN_PASSWORD, demo: config.SEED_DEMO });
  } finally {
    await database.close();
  }
}
