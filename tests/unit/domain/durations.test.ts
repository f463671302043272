import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  DurationError,
  HOUR_MS,
  MINUTE_MS,
  SECOND_MS,
  WEEK_MS,
  formatDuration,
  formatWorkingDays,
  parseDuration,
  toIsoDuration,
} from '../../../domain/durations';

describe('parseDuration', () => {
  it.each([
    ['P2D', 2 * DAY_MS],
    ['PT5S', 5 * SECOND_MS],
    ['P1DT2H', DAY_MS + 2 * HOUR_MS],
    ['P1W', WEEK_MS],
    ['P1W2D', 9 * DAY_MS],
    ['PT1H30M', HOUR_MS + 30 * MINUTE_MS],
    ['PT0.5S', 500],
    ['PT1,5S', 1500],
    ['P0D', 0],
    ['p2d', 2 * DAY_MS],
    [' P7D ', 7 * DAY_MS],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '2D', 'P1H', 'PT1D', 'P1D2W', 'P1.5', 'PTS', 'hello'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(DurationError);
    expect(() => parseDuration(input)).toThrow(/ISO-8601|"P"/);
  });

  it('explains why years and months are refused', () => {
    expect(() => parseDuration('P1Y')).toThrow(/years and months have no fixed length/);
    expect(() => parseDuration('P1M')).toThrow(/years and months/);
    expect(() => parseDuration('PT1M')).not.toThrow(); // minutes are fine
  });

  it('refuses negative durations', () => {
    expect(() => parseDuration('-P1D')).toThrow(/negative/);
  });

  it('keeps the offending input on the error', () => {
    try {
      parseDuration('P2X');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DurationError);
      expect((e as DurationError).input).toBe('P2X');
      expect((e as Error).message).toContain('"P2X"');
    }
  });
});

describe('toIsoDuration', () => {
  it.each([
    [0, 'PT0S'],
    [5 * SECOND_MS, 'PT5S'],
    [2 * DAY_MS, 'P2D'],
    [DAY_MS + 2 * HOUR_MS + 3 * MINUTE_MS + 4500, 'P1DT2H3M4.5S'],
  ])('%d → %s and back', (ms, iso) => {
    expect(toIsoDuration(ms)).toBe(iso);
    expect(parseDuration(iso)).toBe(ms);
  });

  it('refuses negative input', () => {
    expect(() => toIsoDuration(-1)).toThrow(DurationError);
  });
});

describe('formatDuration', () => {
  it.each([
    [7 * DAY_MS, '7 days', '7天'],
    [DAY_MS, '1 day', '1天'],
    [5 * SECOND_MS, '5 seconds', '5秒'],
    [SECOND_MS, '1 second', '1秒'],
    [DAY_MS + 2 * HOUR_MS, '1 day 2 hours', '1天2小时'],
    [90 * MINUTE_MS, '1 hour 30 minutes', '1小时30分钟'],
    [0, '0 milliseconds', '0毫秒'],
    [250, '250 milliseconds', '250毫秒'],
  ])('%d ms → "%s" / "%s"', (ms, en, zh) => {
    expect(formatDuration(ms)).toEqual({ en, zh });
  });
});

describe('formatWorkingDays', () => {
  it('speaks of working days', () => {
    expect(formatWorkingDays(1)).toEqual({ en: '1 working day', zh: '1个工作日' });
    expect(formatWorkingDays(3)).toEqual({ en: '3 working days', zh: '3个工作日' });
  });
});
