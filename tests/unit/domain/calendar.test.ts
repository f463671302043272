import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  WEEKENDS_ONLY_CHINA,
  addWorkingDays,
  compileCalendar,
  dayNumber,
  endOfLocalDay,
  instantAfterWorkingMs,
  isWorkingDay,
  localDate,
  nextWorkingDate,
  rollToWorkingDay,
  startOfLocalDay,
  withOverrides,
  workingMsBetween,
} from '../../../domain/calendar';
import type { WorkCalendar } from '../../../domain/calendar';
import { DAY_MS, HOUR_MS } from '../../../domain/durations';
import { at } from './task-fixtures';

// National Day 2026 as the State Council announced it: 10-01..10-07 off, Sun 09-20 and Sat 10-10 worked.
const NATIONAL_DAY_2026: WorkCalendar = {
  holidays: ['2026-09-25', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-20', '2026-10-10'],
  utcOffsetMinutes: 480,
};

describe('isWorkingDay', () => {
  it.each([
    ['2026-09-30', true], // Wednesday
    ['2026-10-01', false], // National Day (Thursday)
    ['2026-10-03', false], // Saturday inside the holiday
    ['2026-10-08', true],
    ['2026-10-10', true], // make-up Saturday
    ['2026-10-11', false], // plain Sunday
    ['2026-09-20', true], // make-up Sunday
  ])('%s → %s', (date, working) => {
    expect(isWorkingDay(date, NATIONAL_DAY_2026)).toBe(working);
  });

  it('accepts Sets as well as arrays', () => {
    const compiled = compileCalendar(NATIONAL_DAY_2026);
    expect(compiled.holidays).toBeInstanceOf(Set);
    expect(isWorkingDay('2026-10-01', compiled)).toBe(false);
    expect(isWorkingDay('2026-10-10', compiled)).toBe(true);
  });

  it('refuses malformed and impossible dates', () => {
    expect(() => isWorkingDay('2026-2-3', NATIONAL_DAY_2026)).toThrow(CalendarError);
    expect(() => dayNumber('2026-02-30')).toThrow(/not a real date/);
  });
});

describe('local days (China, UTC+8)', () => {
  it('puts an instant on its Beijing date', () => {
    expect(localDate(at('2026-09-30T15:59:59Z'), NATIONAL_DAY_2026)).toBe('2026-09-30');
    expect(localDate(at('2026-09-30T16:00:00Z'), NATIONAL_DAY_2026)).toBe('2026-10-01');
  });

  it('starts and ends a day on Beijing time; the deadline is 23:59:59', () => {
    expect(startOfLocalDay('2026-10-08', NATIONAL_DAY_2026)).toBe(at('2026-10-07T16:00:00Z'));
    expect(endOfLocalDay('2026-10-08', NATIONAL_DAY_2026)).toBe(at('2026-10-08T23:59:59+08:00'));
  });
});

describe('addWorkingDays', () => {
  const wed10am = at('2026-09-30T10:00:00+08:00');

  it.each([
    [1, '2026-10-08'], // skips the whole National Day week
    [2, '2026-10-09'],
    [3, '2026-10-10'], // the make-up Saturday counts
    [4, '2026-10-12'], // Sunday 10-11 does not
  ])('%d working day(s) from Wed 2026-09-30 10:00 ends on %s 23:59:59', (n, date) => {
    expect(addWorkingDays(wed10am, n, NATIONAL_DAY_2026)).toBe(at(`${date}T23:59:59+08:00`));
  });

  it('counts from the Beijing date, not the UTC date', () => {
    // 2026-09-29T17:00Z is already 01:00 on 09-30 in Beijing.
    expect(addWorkingDays(at('2026-09-29T17:00:00Z'), 1, NATIONAL_DAY_2026)).toBe(at('2026-10-08T23:59:59+08:00'));
  });

  it('0 working days is the end of today, or of the next working day on a day off', () => {
    expect(addWorkingDays(wed10am, 0, NATIONAL_DAY_2026)).toBe(at('2026-09-30T23:59:59+08:00'));
    expect(addWorkingDays(at('2026-10-01T10:00:00+08:00'), 0, NATIONAL_DAY_2026)).toBe(at('2026-10-08T23:59:59+08:00'));
  });

  it('the start day never counts, even when it is a day off', () => {
    expect(addWorkingDays(at('2026-10-04T10:00:00+08:00'), 1, NATIONAL_DAY_2026)).toBe(at('2026-10-08T23:59:59+08:00'));
  });

  it('works on weekends alone', () => {
    // Friday 2026-06-05 + 1 working day → Monday 06-08.
    expect(addWorkingDays(at('2026-06-05T09:00:00+08:00'), 1, WEEKENDS_ONLY_CHINA)).toBe(at('2026-06-08T23:59:59+08:00'));
  });

  it('refuses negative or fractional counts and calendars without working days', () => {
    expect(() => addWorkingDays(wed10am, -1, NATIONAL_DAY_2026)).toThrow(CalendarError);
    expect(() => addWorkingDays(wed10am, 1.5, NATIONAL_DAY_2026)).toThrow(/whole number/);
    const never: WorkCalendar = { holidays: [], workdays: [], utcOffsetMinutes: 480 };
    const allOff = {
      ...never,
      holidays: new Set(
        Array.from({ length: 4000 }, (_, i) => new Date(at('2026-01-01T00:00:00Z') + i * DAY_MS).toISOString().slice(0, 10)),
      ),
    };
    expect(() => addWorkingDays(at('2026-01-01T10:00:00+08:00'), 1, allOff)).toThrow(/no working day/);
  });
});

describe('rollToWorkingDay', () => {
  it('moves a deadline on National Day to the end of the next working day', () => {
    expect(rollToWorkingDay(at('2026-10-01T10:00:00+08:00'), NATIONAL_DAY_2026)).toBe(at('2026-10-08T23:59:59+08:00'));
  });

  it('leaves a deadline on a working day alone', () => {
    const t = at('2026-10-09T17:30:00+08:00');
    expect(rollToWorkingDay(t, NATIONAL_DAY_2026)).toBe(t);
  });

  it('judges the day in Beijing time', () => {
    // 2026-09-30T20:00Z is 04:00 on 10-01 in Beijing: a holiday.
    expect(rollToWorkingDay(at('2026-09-30T20:00:00Z'), NATIONAL_DAY_2026)).toBe(at('2026-10-08T23:59:59+08:00'));
  });
});

describe('withOverrides', () => {
  it('lets an admin add a holiday and a working day, later overrides winning', () => {
    const cal = withOverrides(NATIONAL_DAY_2026, [
      { date: '2026-10-08', kind: 'holiday', note: 'local festival' },
      { date: '2026-10-03', kind: 'workday' },
      { date: '2026-10-10', kind: 'holiday' },
      { date: '2026-10-10', kind: 'workday', note: 'changed our mind' },
    ]);
    expect(isWorkingDay('2026-10-08', cal)).toBe(false);
    expect(isWorkingDay('2026-10-03', cal)).toBe(true);
    expect(isWorkingDay('2026-10-10', cal)).toBe(true);
    expect(nextWorkingDate('2026-10-04', cal)).toBe('2026-10-09');
    expect(rollToWorkingDay(at('2026-10-01T10:00:00+08:00'), cal)).toBe(at('2026-10-03T23:59:59+08:00'));
    // The input calendar is untouched and the result is JSON-ready.
    expect(isWorkingDay('2026-10-08', NATIONAL_DAY_2026)).toBe(true);
    expect(JSON.parse(JSON.stringify(cal))).toEqual(cal);
  });

  it('refuses a malformed override date', () => {
    expect(() => withOverrides(NATIONAL_DAY_2026, [{ date: '2026/10/08', kind: 'holiday' }])).toThrow(CalendarError);
  });
});

describe('working time', () => {
  const fri = at('2026-06-05T12:00:00+08:00');
  const mon = at('2026-06-08T12:00:00+08:00');

  it('counts only working days, 24 hours each', () => {
    expect(workingMsBetween(fri, mon, WEEKENDS_ONLY_CHINA)).toBe(24 * HOUR_MS); // Fri noon→midnight + Mon midnight→noon
    expect(workingMsBetween(mon, fri, WEEKENDS_ONLY_CHINA)).toBe(0);
  });

  it('finds the instant a working-time amount is reached, skipping days off', () => {
    expect(instantAfterWorkingMs(fri, 12 * HOUR_MS, WEEKENDS_ONLY_CHINA, mon)).toBe(at('2026-06-06T00:00:00+08:00'));
    expect(instantAfterWorkingMs(fri, 12 * HOUR_MS + 1, WEEKENDS_ONLY_CHINA, mon)).toBe(at('2026-06-08T00:00:00+08:00') + 1);
    expect(instantAfterWorkingMs(fri, 0, WEEKENDS_ONLY_CHINA, mon)).toBe(fri);
    expect(instantAfterWorkingMs(fri, 25 * HOUR_MS, WEEKENDS_ONLY_CHINA, mon)).toBeNull();
  });

  it('is the inverse of workingMsBetween', () => {
    for (const h of [1, 11, 13, 30, 47]) {
      const t = instantAfterWorkingMs(fri, h * HOUR_MS, NATIONAL_DAY_2026, fri + 30 * DAY_MS);
      expect(t).not.toBeNull();
      expect(workingMsBetween(fri, t!, NATIONAL_DAY_2026)).toBe(h * HOUR_MS);
      expect(workingMsBetween(fri, t! - 1, NATIONAL_DAY_2026)).toBeLessThan(h * HOUR_MS);
    }
  });
});
