import { describe, expect, it } from 'vitest';
import { holdUntil, inQuietHours, nextLocalTime } from '../../../jobs/notifications/quiet-hours';

const tz = 'Asia/Shanghai'; // UTC+8, no DST
const at = (beijing: string) => new Date(`${beijing}+08:00`);

describe('quiet hours and the daily digest', () => {
  const overnight = { timeZone: tz, quietStart: '22:00', quietEnd: '07:30' };

  it('knows overnight quiet hours, in the user’s time zone', () => {
    expect(inQuietHours(at('2026-03-02T23:15:00'), overnight)).toBe(true);
    expect(inQuietHours(at('2026-03-03T06:59:00'), overnight)).toBe(true);
    expect(inQuietHours(at('2026-03-03T07:30:00'), overnight)).toBe(false);
    expect(inQuietHours(at('2026-03-03T12:00:00'), overnight)).toBe(false);
    expect(inQuietHours(at('2026-03-03T13:00:00'), { timeZone: tz, quietStart: '12:00', quietEnd: '14:00' })).toBe(true);
    expect(inQuietHours(at('2026-03-03T13:00:00'), { timeZone: tz })).toBe(false);
  });

  it('holds what is not urgent until quiet hours end, across midnight', () => {
    expect(holdUntil(at('2026-03-02T23:15:20'), overnight, false)).toEqual(at('2026-03-03T07:30:00'));
    expect(holdUntil(at('2026-03-03T01:00:00'), overnight, false)).toEqual(at('2026-03-03T07:30:00'));
    expect(holdUntil(at('2026-03-03T12:00:00'), overnight, false)).toBeNull();
  });

  it('never holds what is urgent', () => {
    expect(holdUntil(at('2026-03-02T23:15:00'), { ...overnight, digestTime: '08:00' }, true)).toBeNull();
  });

  it('with a daily digest time, collects everything not urgent for that time', () => {
    const daily = { timeZone: tz, digestTime: '08:00' };
    expect(holdUntil(at('2026-03-03T07:00:00'), daily, false)).toEqual(at('2026-03-03T08:00:00'));
    expect(holdUntil(at('2026-03-03T08:00:01'), daily, false)).toEqual(at('2026-03-04T08:00:00'));
    expect(holdUntil(at('2026-03-03T15:00:00'), daily, false)).toEqual(at('2026-03-04T08:00:00'));
  });

  it('computes the next local time of day in other zones too', () => {
    expect(nextLocalTime(new Date('2026-03-03T10:00:00Z'), '09:00', 'UTC')).toEqual(new Date('2026-03-04T09:00:00Z'));
    expect(nextLocalTime(new Date('2026-03-03T08:00:00Z'), '09:00', 'UTC')).toEqual(new Date('2026-03-03T09:00:00Z'));
  });
});
