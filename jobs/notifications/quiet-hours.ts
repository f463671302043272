/**
 * When a non-urgent push may go out: a user's e-mail by the user's quiet hours and daily digest time,
 * a department's webhooks and group robots by the department's. Times of day are 'HH:MM' in the
 * owner's time zone. Pure: `now` is a parameter.
 */
export interface DeliveryWindow {
  timeZone: string;
  quietStart?: string | null;
  quietEnd?: string | null;
  digestTime?: string | null;
}

export const timeOfDayPattern = /^([01]\d|2[0-3]):[0-5]\d$/;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Minutes since local midnight, and the seconds/ms past that minute, in the time zone. */
function localClock(now: Date, timeZone: string): { minutes: number; msIntoMinute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return { minutes: hour * 60 + minute, msIntoMinute: now.getTime() % 60_000 };
}

/** The next instant (strictly after now, or now itself when it is exactly that minute) at local HH:MM. */
export function nextLocalTime(now: Date, hhmm: string, timeZone: string): Date {
  const clock = localClock(now, timeZone);
  let delta = (minutesOf(hhmm) - clock.minutes + 1440) % 1440;
  if (delta === 0 && clock.msIntoMinute > 0) delta = 1440;
  // Offsets that change during the day (DST) are ignored: China observes none.
  return new Date(now.getTime() - clock.msIntoMinute + delta * 60_000);
}

export function inQuietHours(now: Date, window: DeliveryWindow): boolean {
  if (!window.quietStart || !window.quietEnd) return false;
  const t = localClock(now, window.timeZone).minutes;
  const start = minutesOf(window.quietStart);
  const end = minutesOf(window.quietEnd);
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** null → send now; otherwise hold until that instant and send as part of one digest. */
export function holdUntil(now: Date, window: DeliveryWindow, urgent: boolean): Date | null {
  if (urgent) return null;
  if (window.digestTime) return nextLocalTime(now, window.digestTime, window.timeZone);
  if (inQuietHours(now, window)) return nextLocalTime(now, window.quietEnd!, window.timeZone);
  return null;
}
