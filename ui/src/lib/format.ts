/** Dates in the user's time zone and language; durations in friendly units. */
import type { Lang } from '../app/i18n';

const locales: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

/** The browser's time zone, e.g. "Asia/Shanghai". */
export const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locales[lang], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(locales[lang], { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The same instant with its zone spelled out, for a tooltip. */
export function formatFull(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locales[lang], { dateStyle: 'full', timeStyle: 'long' });
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  // The API may send a share (0.8) or a percentage (80).
  const pct = rate <= 1 ? rate * 100 : rate;
  return `${Math.round(pct * 10) / 10}%`;
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Milliseconds split into days, hours, minutes and seconds (absolute value). */
export function splitMs(ms: number): DurationParts {
  const s = Math.floor(Math.abs(ms) / 1000);
  return { days: Math.floor(s / 86400), hours: Math.floor((s % 86400) / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

/** ISO-8601 duration ("P2D", "PT12H", "P1DT6H", "PT5S") → parts; null when not one. */
export function parseIsoDuration(iso: string | null | undefined): DurationParts | null {
  if (!iso) return null;
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { days: n(1) * 7 + n(2), hours: n(3), minutes: n(4), seconds: n(5) };
}

/** A duration of one unit ("2 days") as ISO-8601. */
export type DurationUnit = 'D' | 'H' | 'M' | 'S';
export function toIsoDuration(amount: number, unit: DurationUnit): string {
  return unit === 'D' ? `P${amount}D` : `PT${amount}${unit}`;
}

/** An ISO duration as one amount and its largest whole unit, for a friendly editor. */
export function fromIsoDuration(iso: string | null | undefined): { amount: number; unit: DurationUnit } | null {
  const p = parseIsoDuration(iso);
  if (!p) return null;
  const secs = ((p.days * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds;
  if (secs % 86400 === 0) return { amount: secs / 86400, unit: 'D' };
  if (secs % 3600 === 0) return { amount: secs / 3600, unit: 'H' };
  if (secs % 60 === 0) return { amount: secs / 60, unit: 'M' };
  return { amount: secs, unit: 'S' };
}
