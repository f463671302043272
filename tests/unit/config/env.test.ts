import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config/env';

const base = { SESSION_SECRET: 'x'.repeat(32) };

describe('configuration from the environment', () => {
  it('fills defaults for a local platform', () => {
    const config = loadConfig(base);
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.PORT).toBe(3000);
    expect(config.SEED_DEMO).toBe(true);
    expect(config.WORKER_CACHED_WORKFLOWS).toBe(500);
    expect(config.ROLLUP_UPKEEP_INTERVAL_SECONDS).toBe(60);
  });

  it('names a missing SESSION_SECRET', () => {
    expect(() => loadConfig({})).toThrow(/SESSION_SECRET/);
  });

  it.each([
    ['TEMPORAL_ADDRESS', 'not an address'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['PORT', 'eighty'],
    ['SEED_DEMO', 'maybe'],
    ['ADMIN_PASSWORD', 'short'],
    ['WORKER_CACHED_WORKFLOWS', '-1'],
    ['ROLLUP_UPKEEP_INTERVAL_SECONDS', 'hourly'],
  ])('names %s when its value is wrong', (variable, value) => {
    try {
      loadConfig({ ...base, [variable]: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.variable)).toEqual([variable]);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('wants the TLS certificate and key together', () => {
    expect(() => loadConfig({ ...base, TEMPORAL_TLS_CERT: '/c.pem' })).toThrow(/TEMPORAL_TLS_KEY/);
  });
});
