/** What integration tests share: the services the global setup started, as a Config. */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, inject } from 'vitest';
import { loadConfig, type Config } from '../../config/env';

export function testServices() {
  return inject('testServices');
}

/** A platform Config pointing at the test services; override anything per test. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const services = testServices();
  return loadConfig({
    TEMPORAL_ADDRESS: services.temporalAddress,
    TEMPORAL_NAMESPACE: services.namespace,
    TEMPORAL_TASK_QUEUE: uniqueName('tq'),
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: uniqueName('sv-test'),
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    ADMIN_PASSWORD: 'admin-test-password',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    ...overrides,
  });
}

/** Task queues, queue prefixes and workflow ids unique to one test, so parallel tests never meet. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * The URL of a database of the calling file's (or describe block's) own on the test server, dropped
 * after it: for tests whose locks, counts or rows must not meet the other files'. Created by the
 * first `runMigrations` on it.
 */
export function databaseOfItsOwn(prefix: string): string {
  const name = uniqueName(prefix).replace(/-/g, '_');
  const url = new URL(testServices().databaseUrl);
  url.pathname = `/${name}`;
  afterAll(async () => {
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.end();
  });
  return url.toString();
}
