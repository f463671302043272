import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, dateOfDayNumber, dayNumber, isWorkingDay, rollToWorkingDay } from '../../../domain/calendar';
import { buildChinaCalendar } from '../../../domain/calendar-data';
import { at } from './task-fixtures';

describe('buildChinaCalendar', () => {
  const cal2026 = buildChinaCalendar({ fromYear: 2026, toYear: 2026 });

  it('knows National Day 2026 and its make-up working days', () => {
    expect(cal2026.holidays).toContain('2026-10-01');
    expect(cal2026.holidays).toContain('2026-10-07');
    expect(cal2026.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10', '2026-02-14', '2026-02-28']));
    expect(cal2026.utcOffsetMinutes).toBe(480);
    expect(rollToWorkingDay(at('2026-10-01T10:00:00+08:00'), cal2026)).toBe(at('2026-10-08T23:59:59+08:00'));
    expect(addWorkingDays(at('2026-09-30T10:00:00+08:00'), 3, cal2026)).toBe(at('2026-10-10T23:59:59+08:00'));
  });

  it('agrees with chinese-days on every day of 2025 and 2026', () => {
    const cal = buildChinaCalendar({ fromYear: 2025, toYear: 2026 });
    const disagreements: string[] = [];
    for (let d = dayNumber('2025-01-01'); d <= dayNumber('2026-12-31'); d++) {
      const date = dateOfDayNumber(d);
      if (isWorkingDay(date, cal) !== chineseDays.isWorkday(date)) disagreements.push(date);
    }
    expect(disagreements).toEqual([]);
  });

  it('puts admin overrides on top', () => {
    const cal = buildChinaCalendar({
      fromYear: 2026,
      toYear: 2026,
      overrides: [
        { date: '2026-10-08', kind: 'holiday', note: 'extra day off' },
        { date: '2026-10-10', kind: 'holiday', note: 'make-up day cancelled' },
      ],
    });
    expect(isWorkingDay('2026-10-08', cal)).toBe(false);
    expect(isWorkingDay('2026-10-10', cal)).toBe(false);
    expect(rollToWorkingDay(at('2026-10-01T10:00:00+08:00'), cal)).toBe(at('2026-10-09T23:59:59+08:00'));
  });

  it('produces a plain, JSON-ready object for workflow input', () => {
    expect(JSON.parse(JSON.stringify(cal2026))).toEqual(cal2026);
  });

  it('refuses a backwards year range', () => {
    expect(() => buildChinaCalendar({ fromYear: 2027, toYear: 2026 })).toThrow(RangeError);
  });
});
