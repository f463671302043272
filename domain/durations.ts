// ISO-8601 durations (as used by templates and the launch form) and plain-words formatting.
import type { Text2 } from './types';

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
/** Ten years: a deadline or a duration reaching further is a typing mistake (8026 for 2026), refused at its field. */
export const MAX_HORIZON_MS = 3653 * DAY_MS;
/** The shortest progress-report cadence a form or template may ask for. */
export const MIN_REPORT_CADENCE_MS = 60_000;

/** True when `at` lies further ahead of `now` than any deadline may. */
export function beyondHorizon(at: number, now: number): boolean {
  return at - now > MAX_HORIZON_MS;
}

export class DurationError extends Error {
  override name = 'DurationError';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
  }
}

// Years and months are rejected: they have no fixed length, and deadlines must be exact instants.
const DURATION_RE =
  /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Parses `P2D`, `PT5S`, `P1DT2H`, `P1W`, `PT0.5S` into milliseconds; throws DurationError. */
export function parseDuration(input: string): number {
  if (typeof input !== 'string') throw new DurationError('duration must be a string like "P2D"', String(input));
  const text = input.trim().toUpperCase();
  if (text.includes('-')) throw new DurationError(`"${input}": negative durations are not allowed`, input);
  if (!text.startsWith('P')) {
    throw new DurationError(`"${input}" is not an ISO-8601 duration: it must start with "P" (e.g. "P2D", "PT5S")`, input);
  }
  const datePart = text.split('T')[0] ?? '';
  if (/[YM]/.test(datePart)) {
    throw new DurationError(`"${input}": years and months have no fixed length; use days or weeks (e.g. "P30D")`, input);
  }
  const m = DURATION_RE.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) {
    throw new DurationError(`"${input}" is not a valid ISO-8601 duration; expected e.g. "P2D", "PT5S", "P1DT2H" or "P1W"`, input);
  }
  const [, w, d, h, min, s] = m;
  const units: Array<[string | undefined, number]> = [
    [w, WEEK_MS],
    [d, DAY_MS],
    [h, HOUR_MS],
    [min, MINUTE_MS],
    [s, SECOND_MS],
  ];
  let total = 0;
  for (const [value, unitMs] of units) {
    if (value !== undefined) total += Number(value.replace(',', '.')) * unitMs;
  }
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) {
    throw new DurationError(`"${input}" is too long`, input);
  }
  return Math.round(total);
}

/** Formats milliseconds back to a canonical ISO-8601 duration (days and time parts only). */
export function toIsoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new DurationError('duration must be a non-negative number', String(ms));
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  const seconds = rest / SECOND_MS;
  let time = '';
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds) time += `${seconds}S`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

const UNITS: Array<{ ms: number; en: [string, string]; zh: string }> = [
  { ms: DAY_MS, en: ['day', 'days'], zh: '天' },
  { ms: HOUR_MS, en: ['hour', 'hours'], zh: '小时' },
  { ms: MINUTE_MS, en: ['minute', 'minutes'], zh: '分钟' },
  { ms: SECOND_MS, en: ['second', 'seconds'], zh: '秒' },
];

/** "7 days" / "7天", "1 day 2 hours" / "1天2小时", "5 seconds" / "5秒"; below a second in ms. */
export function formatDuration(ms: number): Text2 {
  const abs = Math.max(0, Math.round(ms));
  if (abs < SECOND_MS) {
    return { en: `${abs} millisecond${abs === 1 ? '' : 's'}`, zh: `${abs}毫秒` };
  }
  const en: string[] = [];
  let zh = '';
  let rest = abs;
  for (const unit of UNITS) {
    const n = Math.floor(rest / unit.ms);
    rest -= n * unit.ms;
    if (n > 0) {
      en.push(`${n} ${n === 1 ? unit.en[0] : unit.en[1]}`);
      zh += `${n}${unit.zh}`;
    }
  }
  return { en: en.join(' '), zh };
}

/** "1 working day" / "1个工作日". */
export function formatWorkingDays(count: number): Text2 {
  return { en: `${count} working day${count === 1 ? '' : 's'}`, zh: `${count}个工作日` };
}
