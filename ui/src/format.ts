import type { Lang } from './i18n';

const locales: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

/** The browser's time zone, e.g. "Asia/Shanghai". */
export const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An ISO instant in the user's time zone, e.g. "2026/5/1 18:00" or "1 May 2026, 18:00". */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locales[lang], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** The same instant with its zone spelled out, for a tooltip. */
export function formatFull(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locales[lang], { dateStyle: 'full', timeStyle: 'long' });
}

/** `<input type="datetime-local">` value (local time) → ISO instant in UTC. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO instant → `<input type="datetime-local">` value in local time. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  // The API may send a share (0.8) or a percentage (80).
  const pct = rate <= 1 ? rate * 100 : rate;
  return `${Math.round(pct * 10) / 10}%`;
}

export function newKey(): string {
  return crypto.randomUUID();
}
