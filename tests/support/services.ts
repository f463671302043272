/** What integration tests share: the services the global setup started, as a Config. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
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
