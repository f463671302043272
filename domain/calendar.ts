// Working-day arithmetic on a plain calendar object (no I/O, no clock: safe in workflow code).
//
// Rule: "N working days from an instant" ends at 23:59:59 local time (China: UTC+8) of the
// Nth working day AFTER the start's local day; the start day itself never counts, whatever the
// hour. N = 0 means the end of the start day, rolled to the next working day if it is a day off.
// 23:59:59 (not 24:00) so the deadline shows on the right date in every UI.
import { DAY_MS, MINUTE_MS, SECOND_MS } from './durations';
import type { Instant } from './types';

export const CHINA_UTC_OFFSET_MINUTES = 480;

/** Seconds before local midnight at which a working-day deadline falls (23:59:59). */
const DEADLINE_BEFORE_MIDNIGHT_MS = SECOND_MS;

// A calendar with no working day would loop forever; 10 years of days off is surely a bad calendar.
const MAX_DAYS_SCANNED = 3_660;

type DateSet = ReadonlySet<string> | readonly string[];

export interface WorkCalendar {
  /** Days off that would otherwise be working days (statutory holidays), local 'YYYY-MM-DD'. */
  holidays: DateSet;
  /** Weekend days that are working days (调休 make-up days), local 'YYYY-MM-DD'. */
  workdays: DateSet;
  /** Local time's offset from UTC in minutes; China = 480. */
  utcOffsetMinutes: number;
}

/** An admin's correction on top of the built-in public-holiday calendar. */
export interface CalendarOverride {
  date: string;
  kind: 'workday' | 'holiday';
  note?: string;
}

/** Weekends off, nothing else; the fallback when no holiday data is loaded. */
export const WEEKENDS_ONLY_CHINA: WorkCalendar = {
  holidays: [],
  workdays: [],
  utcOffsetMinutes: CHINA_UTC_OFFSET_MINUTES,
};

export class CalendarError extends Error {
  override name = 'CalendarError';
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function contains(dates: DateSet, date: string): boolean {
  return Array.isArray(dates) ? dates.includes(date) : (dates as ReadonlySet<string>).has(date);
}

/** Days since 1970-01-01 for a 'YYYY-MM-DD' date; throws on a malformed or impossible date. */
export function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new CalendarError(`"${date}" is not a YYYY-MM-DD date`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  if (dateOfDayNumber(ms / DAY_MS) !== date) throw new CalendarError(`"${date}" is not a real date`);
  return ms / DAY_MS;
}

export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function offsetMs(calendar: WorkCalendar): number {
  return calendar.utcOffsetMinutes * MINUTE_MS;
}

/** The local calendar day (days since epoch) an instant falls on. */
function localDayNumber(ms: Instant, calendar: WorkCalendar): number {
  return Math.floor((ms + offsetMs(calendar)) / DAY_MS);
}

/** The local 'YYYY-MM-DD' an instant falls on. */
export function localDate(ms: Instant, calendar: WorkCalendar): string {
  return dateOfDayNumber(localDayNumber(ms, calendar));
}

/** The instant local midnight starts the given day. */
export function startOfLocalDay(date: string, calendar: WorkCalendar): Instant {
  return dayNumber(date) * DAY_MS - offsetMs(calendar);
}

/** The deadline instant of a local day: 23:59:59 local time. */
export function endOfLocalDay(date: string, calendar: WorkCalendar): Instant {
  return startOfLocalDay(date, calendar) + DAY_MS - DEADLINE_BEFORE_MIDNIGHT_MS;
}

function isWorkingDayNumber(day: number, calendar: WorkCalendar): boolean {
  const date = dateOfDayNumber(day);
  if (contains(calendar.workdays, date)) return true;
  if (contains(calendar.holidays, date)) return false;
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday !== 0 && weekday !== 6;
}

/** Make-up days win over holidays; otherwise Monday–Friday work. */
export function isWorkingDay(date: string, calendar: WorkCalendar): boolean {
  return isWorkingDayNumber(dayNumber(date), calendar);
}

function nextWorkingDayNumber(fromDay: number, calendar: WorkCalendar): number {
  for (let day = fromDay, i = 0; i < MAX_DAYS_SCANNED; day++, i++) {
    if (isWorkingDayNumber(day, calendar)) return day;
  }
  throw new CalendarError(`no working day within ${MAX_DAYS_SCANNED} days of ${dateOfDayNumber(fromDay)}`);
}

/** The first working day on or after `date`. */
export function nextWorkingDate(date: string, calendar: WorkCalendar): string {
  return dateOfDayNumber(nextWorkingDayNumber(dayNumber(date), calendar));
}

/** End (23:59:59 local) of the Nth working day after the start's local day; see the rule above. */
export function addWorkingDays(startMs: Instant, n: number, calendar: WorkCalendar): Instant {
  if (!Number.isInteger(n) || n < 0) throw new CalendarError(`working-day count must be a whole number ≥ 0, got ${n}`);
  let day = localDayNumber(startMs, calendar);
  if (n === 0) day = nextWorkingDayNumber(day, calendar);
  for (let found = 0; found < n;) {
    day = nextWorkingDayNumber(day + 1, calendar);
    found++;
  }
  return endOfLocalDay(dateOfDayNumber(day), calendar);
}

/** A deadline that falls on a day off moves to the end of the next working day; else unchanged. */
export function rollToWorkingDay(ms: Instant, calendar: WorkCalendar): Instant {
  const day = localDayNumber(ms, calendar);
  if (isWorkingDayNumber(day, calendar)) return ms;
  return endOfLocalDay(dateOfDayNumber(nextWorkingDayNumber(day, calendar)), calendar);
}

/** Time inside working days between two instants (each working day counts its full 24 hours). */
export function workingMsBetween(fromMs: Instant, toMs: Instant, calendar: WorkCalendar): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  const off = offsetMs(calendar);
  for (let day = localDayNumber(fromMs, calendar); day * DAY_MS - off < toMs; day++) {
    if (!isWorkingDayNumber(day, calendar)) continue;
    const dayStart = day * DAY_MS - off;
    total += Math.min(toMs, dayStart + DAY_MS) - Math.max(fromMs, dayStart);
  }
  return total;
}

/**
 * The first instant t with workingMsBetween(fromMs, t) ≥ workingMs, or null when that is later
 * than `until` (the inverse used to arm a single timer for a working-time checkpoint).
 */
export function instantAfterWorkingMs(fromMs: Instant, workingMs: number, calendar: WorkCalendar, until: Instant): Instant | null {
  if (workingMs <= 0) return fromMs;
  const off = offsetMs(calendar);
  let remaining = workingMs;
  let cursor = fromMs;
  for (let day = localDayNumber(fromMs, calendar); cursor <= until; day++) {
    const dayEnd = (day + 1) * DAY_MS - off;
    if (isWorkingDayNumber(day, calendar)) {
      const available = dayEnd - cursor;
      if (remaining <= available) {
        const at = cursor + remaining;
        return at <= until ? at : null;
      }
      remaining -= available;
    }
    cursor = dayEnd;
  }
  return null;
}

/** A copy with admin overrides applied in order (a later override of the same date wins). */
export function withOverrides(calendar: WorkCalendar, overrides: readonly CalendarOverride[]): WorkCalendar {
  const holidays = new Set(calendar.holidays);
  const workdays = new Set(calendar.workdays);
  for (const o of overrides) {
    dayNumber(o.date); // validates
    if (o.kind === 'holiday') {
      holidays.add(o.date);
      workdays.delete(o.date);
    } else {
      workdays.add(o.date);
      holidays.delete(o.date);
    }
  }
  return { holidays: [...holidays].sort(), workdays: [...workdays].sort(), utcOffsetMinutes: calendar.utcOffsetMinutes };
}

/** Same calendar with Set lookups, for callers doing many lookups. Not JSON-serialisable. */
export function compileCalendar(calendar: WorkCalendar): WorkCalendar {
  return {
    holidays: new Set(calendar.holidays),
    workdays: new Set(calendar.workdays),
    utcOffsetMinutes: calendar.utcOffsetMinutes,
  };
}
