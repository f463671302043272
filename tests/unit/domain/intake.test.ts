import { describe, expect, it } from 'vitest';
import { SIGNAL_CLOCK_SKEW_MS, signalTimestampFresh, verificationLaunchOf } from '../../../domain/intake';

const now = Date.UTC(2026, 11, 2, 10, 0, 0);
const seconds = (ms: number) => String(Math.floor(ms / 1000));

describe('signalTimestampFresh', () => {
  it('takes Unix seconds within five minutes either way', () => {
    expect(signalTimestampFresh(seconds(now), now)).toBe(true);
    expect(signalTimestampFresh(seconds(now - SIGNAL_CLOCK_SKEW_MS), now)).toBe(true);
    expect(signalTimestampFresh(seconds(now + SIGNAL_CLOCK_SKEW_MS), now)).toBe(true);
    expect(signalTimestampFresh(seconds(now - SIGNAL_CLOCK_SKEW_MS - 1000), now)).toBe(false);
    expect(signalTimestampFresh(seconds(now + SIGNAL_CLOCK_SKEW_MS + 1000), now)).toBe(false);
  });

  it('refuses anything but plain digits (milliseconds, signs, decimals, ISO, nothing)', () => {
    for (const header of [undefined, '', String(now), '-1', '1.5', '+1796200000', '2026-12-02T10:00:00Z', ' 1796200000']) {
      expect(signalTimestampFresh(header, now), String(header)).toBe(false);
    }
  });
});

describe('verificationLaunchOf', () => {
  const signal = { source: 'env', externalId: 'A-1', subject: '水质超标', riskLevel: 'high' as const, details: { cod: 48 } };

  it('a verification item for the one department, its deadline from the rule', () => {
    const byDays = verificationLaunchOf(signal, { departmentId: 'd', dueInWorkingDays: 3, dueWithinMs: null }, 'd', now);
    expect(byDays).toMatchObject({ kind: 'verification', public: false, dueInWorkingDays: 3, source: 'env/A-1', tasks: [{ departmentId: 'd', role: 'lead' }] });
    expect(byDays.title).toBe('预警核查（高风险）：水质超标');
    expect(byDays.description).toContain('"cod": 48');
    const byDuration = verificationLaunchOf(signal, { departmentId: 'd', dueInWorkingDays: null, dueWithinMs: 3_600_000 }, 'd', now);
    expect(byDuration).toMatchObject({ dueAt: new Date(now + 3_600_000).toISOString() });
    const byTemplate = verificationLaunchOf(signal, { departmentId: 'd', dueInWorkingDays: null, dueWithinMs: null }, 'd', now);
    expect(byTemplate).not.toHaveProperty('dueAt');
    expect(byTemplate).not.toHaveProperty('dueInWorkingDays');
  });

  it('keeps title and description within what a launch accepts', () => {
    const long = verificationLaunchOf({ ...signal, subject: '长'.repeat(500), details: { text: 'x'.repeat(30_000) } }, { departmentId: 'd', dueInWorkingDays: 1, dueWithinMs: null }, 'd', now);
    expect(long.title.length).toBeLessThanOrEqual(200);
    expect(long.description.length).toBeLessThanOrEqual(20_000);
  });
});
